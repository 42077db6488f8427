package io.fanout.admission;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Ends an admitted request's hold on its place when its exchange ends: the response was written (a stream to its
 * last line), failed, or the client went away (cancel). Registered only when admission control is on.
 */
final class AdmissionFilter implements WebFilter {

    static final String PERMIT = AdmissionFilter.class.getName() + ".permit";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).doFinally(signal -> {
            AdmissionLimit.Permit permit = exchange.getAttribute(PERMIT);
            if (permit != null) {
                permit.release(signal != SignalType.ON_COMPLETE);
            }
        });
    }
}

package io.fanout.admission;

import io.fanout.render.ProblemDocument;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The hook of the composite request path: {@link #admit} runs the handler when there is room and otherwise answers
 * a 503 problem with {@code Retry-After} at once, without running it (so no upstream is called). An admitted
 * request holds its place until its response is fully written, streamed or not, or the client goes away
 * ({@link AdmissionFilter}).
 * {@link #off()} runs every handler directly.
 */
public final class Admission {

    /** The request id header (SPEC §2); the web layer's {@code RequestIds.HEADER}. */
    static final String REQUEST_ID = "X-Request-Id";

    private static final Admission OFF = new Admission();

    private final @Nullable AdmissionLimit limit;
    private final long retryAfterSeconds;

    private Admission() {
        this.limit = null;
        this.retryAfterSeconds = 1;
    }

    public Admission(AdmissionLimit limit, Duration retryAfter) {
        this.limit = limit;
        this.retryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }

    /** No admission control: {@link #admit} is a direct call. */
    public static Admission off() {
        return OFF;
    }

    public @Nullable AdmissionLimit limit() {
        return limit;
    }

    /** Runs {@code handler} if the request is admitted; else a 503 problem naming the limit. */
    public Mono<ServerResponse> admit(
            ServerWebExchange exchange, String requestId, Supplier<Mono<ServerResponse>> handler) {
        AdmissionLimit l = limit;
        if (l == null) {
            return handler.get();
        }
        AdmissionLimit.Permit permit = l.tryAcquire();
        if (permit == null) {
            return refuse(l.limit(), requestId);
        }
        // the filter gives the place back when the exchange ends: response written, streamed to the end, failed,
        // or the client gone; releasing is idempotent
        exchange.getAttributes().put(AdmissionFilter.PERMIT, permit);
        return handler.get();
    }

    /** The refusal's {@code detail}, the same from the route and from {@link AdmissionGate}. */
    static String detail(int max, String retryAfterSeconds) {
        return "overloaded: " + max + " composite requests are in flight on this instance "
                + "(fanout.server.max-in-flight); retry after " + retryAfterSeconds + " s";
    }

    /** The {@code Retry-After} of a refusal, in whole seconds. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private Mono<ServerResponse> refuse(int max, String requestId) {
        byte[] body = ProblemDocument.of(503, detail(max, Long.toString(retryAfterSeconds)), requestId);
        return ServerResponse.status(503)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .contentLength(body.length)
                .body((message, context) ->
                        message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }
}

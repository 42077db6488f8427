package io.fanout.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;
import reactor.netty.http.server.HttpServer;

/**
 * The {@link Admission} of the composite path from {@code fanout.server.max-in-flight}, its metrics
 * ({@code fanout_admission_limit}, {@code fanout_admission_in_flight}, {@code fanout_admission_refused_total}) and,
 * unless it is off, the filter that ends admitted requests.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdmissionProperties.class)
public class AdmissionConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AdmissionConfiguration.class);

    @Bean
    Admission admission(AdmissionProperties properties, MeterRegistry registry) {
        int mode = AdmissionProperties.mode(properties.maxInFlight());
        if (mode == 0) {
            log.info("admission control is off (fanout.server.max-in-flight=off)");
            return Admission.off();
        }
        AdmissionLimit limit = mode < 0 ? AdmissionLimit.adaptive(properties.adaptive()) : AdmissionLimit.fixed(mode);
        Gauge.builder("fanout.admission.limit", limit, AdmissionLimit::limit)
                .description("composite requests this instance admits at a time (adaptive or fixed)")
                .tag("kind", limit.isAdaptive() ? "adaptive" : "fixed")
                .register(registry);
        Gauge.builder("fanout.admission.in.flight", limit, AdmissionLimit::inFlight)
                .description("composite requests admitted and not yet finished")
                .register(registry);
        FunctionCounter.builder("fanout.admission.refused", limit, AdmissionLimit::refusals)
                .description("composite requests refused with 503 because the limit was reached")
                .register(registry);
        log.info(
                "admission control: {} limit of {} composite requests in flight",
                limit.isAdaptive() ? "adaptive" : "fixed",
                limit.limit());
        return new Admission(limit, properties.retryAfter());
    }

    /**
     * Refuses over the limit in the Netty pipeline, before WebFlux ({@link AdmissionGate}); nothing is added when
     * admission control is off or no web layer says which requests are composite.
     */
    @Bean
    GateCustomizer admissionGate(Admission admission, ObjectProvider<AdmissionGate.Requests> requests) {
        AdmissionLimit limit = admission.limit();
        AdmissionGate.Requests gated = requests.getIfAvailable();
        return new GateCustomizer(
                limit == null || gated == null
                        ? null
                        : new AdmissionGate.Shared(limit, gated, admission.retryAfterSeconds()));
    }

    /** Installs the gate on every new connection (plain HTTP/1.1; h2c and TLS are not configured). */
    static final class GateCustomizer implements NettyServerCustomizer {

        private final AdmissionGate.@Nullable Shared shared;

        GateCustomizer(AdmissionGate.@Nullable Shared shared) {
            this.shared = shared;
        }

        @Override
        public HttpServer apply(HttpServer server) {
            AdmissionGate.Shared s = shared;
            return s == null
                    ? server
                    : server.doOnChannelInit((observer, channel, address) -> s.install(channel.pipeline()));
        }

        /** Requests the gate refused; 0 when there is no gate. */
        long refusals() {
            AdmissionGate.Shared s = shared;
            return s == null ? 0 : s.refusals();
        }
    }

    /** Ends admitted requests; a bare pass-through when admission control is off. */
    @Bean
    WebFilter admissionFilter(Admission admission) {
        return admission.limit() == null ? (exchange, chain) -> chain.filter(exchange) : new AdmissionFilter();
    }
}

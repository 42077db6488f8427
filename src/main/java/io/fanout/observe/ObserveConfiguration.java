package io.fanout.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Builds the {@link RequestObserver} the engine reports to, from Boot's tracer (if any) and Fanout's switches. */
@Configuration(proxyBeanMethods = false)
class ObserveConfiguration {

    /**
     * Boot's switch for exporting and propagating traces; when it is off (as in Boot's tests by default) Fanout
     * creates no spans, sends no {@code traceparent} and writes no {@code meta.traceId}: tracing is absent.
     */
    static final String EXPORT_ENABLED = "management.tracing.export.enabled";

    @Bean
    GatewayObserver requestObserver(
            ObserveProperties properties,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator,
            MeterRegistry registry,
            Environment environment) {
        LogKeys.useFormat(environment.getProperty("logging.structured.format.console"));
        boolean tracing = environment.getProperty(EXPORT_ENABLED, Boolean.class, true);
        return new GatewayObserver(
                tracing ? tracer.getIfAvailable() : null,
                tracing ? propagator.getIfAvailable() : null,
                properties.accessLog(),
                registry);
    }
}

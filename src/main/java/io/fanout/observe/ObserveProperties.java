package io.fanout.observe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fanout's own observability switches (Boot's {@code management.tracing.*}, {@code management.opentelemetry.*} and
 * {@code logging.structured.*} properties do the rest).
 *
 * @param accessLog true to log one line per composite request (logger {@code fanout.access})
 * @param tracing   Fanout's request and attempt spans
 */
@ConfigurationProperties("fanout")
public record ObserveProperties(@DefaultValue("false") boolean accessLog, @DefaultValue Tracing tracing) {

    /**
     * @param enabled false to create no request or attempt spans and send no {@code traceparent} at all, whatever
     *                Boot's tracing does (the "tracing absent" baseline of docs/benchmarks.md)
     */
    public record Tracing(@DefaultValue("true") boolean enabled) {
    }
}

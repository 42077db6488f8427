package io.fanout.observe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fanout's own observability switch; Boot's {@code management.tracing.*}, {@code management.opentelemetry.*} and
 * {@code logging.structured.*} properties do the rest.
 *
 * @param accessLog true to log one line per composite request (logger {@code fanout.access})
 */
@ConfigurationProperties("fanout")
public record ObserveProperties(@DefaultValue("false") boolean accessLog) {}

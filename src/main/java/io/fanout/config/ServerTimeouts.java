package io.fanout.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long a client may take to send a request ({@code fanout.server.*}); Boot's {@code server.netty.idle-timeout}
 * covers the wait for the first byte of a request, these cover the request while it arrives.
 *
 * @param headerTimeout   from the first byte of a request to the end of its headers: a client that sends its headers
 *                        byte by byte (slowloris) is cut at this point, however steadily the bytes come
 * @param bodyReadTimeout the longest pause between two reads of a request body; a body that stops arriving is cut
 *                        (a long upload that keeps sending is not: jobs uploads have their own bounds)
 */
@Validated
@ConfigurationProperties("fanout.server")
public record ServerTimeouts(@DefaultValue("10s") Duration headerTimeout,
                             @DefaultValue("30s") Duration bodyReadTimeout) {

    public ServerTimeouts {
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("fanout.server.header-timeout must be positive but was "
                    + headerTimeout);
        }
        if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
            throw new IllegalArgumentException("fanout.server.body-read-timeout must be positive but was "
                    + bodyReadTimeout);
        }
    }
}

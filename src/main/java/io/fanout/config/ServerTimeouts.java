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
 * @param bodyTimeout     from the end of a request's headers to the end of its body, for every path but
 *                        {@code /jobs} (an upload may take long while it keeps sending; it has its own bounds): a body
 *                        trickled just fast enough to dodge {@code bodyReadTimeout} is cut here
 */
@Validated
@ConfigurationProperties("fanout.server")
public record ServerTimeouts(
        @DefaultValue("10s") Duration headerTimeout,
        @DefaultValue("30s") Duration bodyReadTimeout,
        @DefaultValue("60s") Duration bodyTimeout) {

    public ServerTimeouts {
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "fanout.server.header-timeout must be positive but was " + headerTimeout);
        }
        if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("fanout.server.body-timeout must be positive but was " + bodyTimeout);
        }
        if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "fanout.server.body-read-timeout must be positive but was " + bodyReadTimeout);
        }
    }
}

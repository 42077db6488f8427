package io.fanout.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Fanout's own settings ({@code fanout.*}).
 *
 * @param config         the YAML (or JSON) config file; without it Fanout starts with no endpoints
 * @param maxRequestBody largest client request body accepted (413 beyond)
 * @param warmUp         open upstream connections at start-up
 */
@Validated
@ConfigurationProperties("fanout")
public record FanoutProperties(
        @Nullable Path config,
        @DefaultValue("1MB") DataSize maxRequestBody,
        @DefaultValue("true") boolean warmUp) {

    public FanoutProperties {
        if (maxRequestBody.toBytes() <= 0) {
            throw new IllegalArgumentException("fanout.max-request-body must be positive but was " + maxRequestBody);
        }
    }
}

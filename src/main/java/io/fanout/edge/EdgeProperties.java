package io.fanout.edge;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The edge's process settings ({@code fanout.*}); everything about clients lives in the config's {@code clients}.
 *
 * @param trustedProxies CIDRs of proxies whose {@code X-Forwarded-For} names the client (SPEC §8); none by default
 */
@ConfigurationProperties("fanout")
public record EdgeProperties(@DefaultValue List<String> trustedProxies) {

    public EdgeProperties {
        trustedProxies = List.copyOf(trustedProxies);
    }
}

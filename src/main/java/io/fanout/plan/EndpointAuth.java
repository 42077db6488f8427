package io.fanout.plan;

import java.util.List;

/**
 * What an endpoint with {@code auth} asks of its callers (SPEC §8); endpoints without it have none and cost nothing.
 *
 * @param required true for {@code auth: required}, false for {@code optional}
 * @param scopes   scopes a token must carry, each of them
 */
public record EndpointAuth(boolean required, List<String> scopes) {

    public EndpointAuth {
        scopes = List.copyOf(scopes);
    }
}

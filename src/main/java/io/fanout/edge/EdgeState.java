package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

/**
 * Builds what a config's {@code clients} section needs at run time, keeping across config versions what did not
 * change: a new version with the same {@code clients.jwt} keeps its fetched keys and refresh history.
 */
final class EdgeState {

    /** The verifiers of one {@code clients} section. */
    record Runtime(
            ClientsDefinition definition,
            @Nullable JwtVerifier jwt,
            @Nullable ApiKeyVerifier apiKeys) {}

    private final HttpClient http;
    private final LongSupplier clock;

    EdgeState(HttpClient http, LongSupplier clock) {
        this.http = http;
        this.clock = clock;
    }

    Runtime runtime(ClientsDefinition clients, @Nullable Runtime previous) {
        JwtVerifier jwt = null;
        ClientsDefinition.Jwt def = clients.jwt();
        if (def != null) {
            JwtVerifier old = previous == null ? null : previous.jwt();
            jwt = old != null && old.definition().equals(def)
                    ? old
                    : new JwtVerifier(def, new JwksCache(def.jwksUri(), def.jwksCache(), http, clock));
        }
        ClientsDefinition.ApiKeys keys = clients.apiKeys();
        return new Runtime(clients, jwt, keys == null ? null : new ApiKeyVerifier(keys));
    }
}

package io.fanout.definition;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code clients} section (SPEC §8): how callers of endpoints with {@code auth} prove who they are, and the
 * quotas of their plans.
 *
 * @param jwt        access tokens checked against a JWKS, or null
 * @param apiKeys    static API keys, or null
 * @param plans      quota plans by name ({@code default} applies to clients that name none)
 * @param planClaim  the JWT claim naming a token's plan, or null
 * @param quotaStore where buckets live
 */
public record ClientsDefinition(
        @Nullable Jwt jwt,
        @Nullable ApiKeys apiKeys,
        Map<String, Plan> plans,
        @Nullable String planClaim,
        QuotaStore quotaStore) {

    /** No {@code clients} section: no credential can be checked and nothing is metered. */
    public static final ClientsDefinition NONE = new ClientsDefinition(null, null, Map.of(), null, QuotaStore.LOCAL);

    /** The plan of clients that name none. */
    public static final String DEFAULT_PLAN = "default";

    public ClientsDefinition {
        plans = Collections.unmodifiableMap(new LinkedHashMap<>(plans));
    }

    /** Where token buckets live. */
    public enum QuotaStore {
        LOCAL,
        REDIS
    }

    /**
     * {@code clients.jwt}.
     *
     * @param issuer     the exact {@code iss}
     * @param jwksUri    where the keys are fetched
     * @param audiences  a token's {@code aud} must contain one of them
     * @param algorithms accepted JWS algorithms
     * @param clockSkew  tolerance for {@code exp} and {@code nbf}
     * @param jwksCache  how long fetched keys are used before they are fetched again
     */
    public record Jwt(
            String issuer,
            String jwksUri,
            List<String> audiences,
            List<String> algorithms,
            Duration clockSkew,
            Duration jwksCache) {

        public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");
        public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
        public static final Duration DEFAULT_JWKS_CACHE = Duration.ofMinutes(5);

        public Jwt {
            audiences = List.copyOf(audiences);
            algorithms = List.copyOf(algorithms);
        }
    }

    /**
     * {@code clients.api-keys}.
     *
     * @param header the request header carrying a key
     * @param keys   keys by client name
     */
    public record ApiKeys(String header, Map<String, ApiKey> keys) {

        public static final String DEFAULT_HEADER = "X-Api-Key";

        public ApiKeys {
            keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        }
    }

    /**
     * One API key.
     *
     * @param name   the client's id
     * @param sha256 the key's SHA-256 digest, 64 lower-case hex digits
     * @param plan   its plan, or null for {@code default}
     */
    public record ApiKey(
            String name, String sha256, @Nullable String plan) {}

    /**
     * A quota plan: a token bucket refilled at {@code rate} holding at most {@code burst} requests.
     *
     * @param name  the plan's name
     * @param rate  refill rate
     * @param burst bucket size
     */
    public record Plan(String name, Rate rate, int burst) {}
}

package io.fanout.compile;

import io.fanout.definition.AuthMode;
import io.fanout.definition.BoundConfig;
import io.fanout.definition.ClientsDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.EndpointDefinition;
import io.fanout.definition.Suggestions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code clients} section and endpoints' {@code auth} and {@code scopes}, checked for meaning (SPEC §8): a
 * usable JWKS URL, only asymmetric algorithms, plans that exist, keys that tell clients apart, and endpoints that ask
 * for what the section can check.
 */
final class ClientsChecks {

    /** What a JWKS can verify: RSA, RSA-PSS and EC signatures. */
    static final Set<String> ALGORITHMS =
            Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    private ClientsChecks() {}

    static void check(BoundConfig bound, List<ConfigProblem> problems) {
        ClientsDefinition clients = bound.definition().clients();
        ClientsDefinition.Jwt jwt = clients.jwt();
        if (jwt != null) {
            jwt(bound, jwt, problems);
        }
        ClientsDefinition.ApiKeys apiKeys = clients.apiKeys();
        if (apiKeys != null) {
            Map<String, String> digests = new HashMap<>();
            apiKeys.keys().forEach((name, key) -> {
                String at = "clients.api-keys.keys." + name;
                if (key.plan() != null && !clients.plans().containsKey(key.plan())) {
                    problems.add(new ConfigProblem(
                            at + ".plan", unknownPlan(key.plan(), clients), "plans are defined under clients.plans"));
                }
                String first = key.sha256().isEmpty() ? null : digests.putIfAbsent(key.sha256(), name);
                if (first != null) {
                    problems.add(new ConfigProblem(
                            at + ".sha256",
                            "the same key as '" + first + "'",
                            "each client needs a key of its own, or the two cannot be told apart"));
                }
            });
        }
        if (clients.planClaim() != null && jwt == null) {
            problems.add(new ConfigProblem(
                    "clients.plans.plan-claim",
                    "plan-claim names a JWT claim, but" + " clients.jwt is not configured",
                    "configure clients.jwt or remove plan-claim"));
        }
        for (EndpointDefinition e : bound.definition().endpoints().values()) {
            endpoint(bound, e, clients, problems);
        }
    }

    private static void jwt(BoundConfig bound, ClientsDefinition.Jwt jwt, List<ConfigProblem> problems) {
        if (!bound.rejected("clients.jwt.jwks-uri")) {
            String problem = jwksUriProblem(jwt.jwksUri());
            if (problem != null) {
                problems.add(new ConfigProblem(
                        "clients.jwt.jwks-uri",
                        "invalid JWKS URL '" + jwt.jwksUri() + "': " + problem,
                        "an absolute http or https URL, e.g. https://auth.example.com/.well-known/jwks.json"));
            }
        }
        if (!bound.rejected("clients.jwt.issuer") && jwt.issuer().isBlank()) {
            problems.add(new ConfigProblem(
                    "clients.jwt.issuer", "must not be empty", "the exact iss of the provider's tokens"));
        }
        for (int i = 0; i < jwt.algorithms().size(); i++) {
            String alg = jwt.algorithms().get(i);
            String at = "clients.jwt.algorithms[" + i + "]";
            String upper = alg.toUpperCase(Locale.ROOT);
            if (upper.equals("NONE") || upper.startsWith("HS")) {
                problems.add(new ConfigProblem(
                        at,
                        "algorithm '" + alg + "' is never accepted with a JWKS",
                        "unsigned tokens and HMAC (a shared secret, forgeable with the public key) are refused;"
                                + " use RS256, ES256 or another of "
                                + String.join(", ", ALGORITHMS.stream().sorted().toList())));
            } else if (!ALGORITHMS.contains(alg)) {
                problems.add(new ConfigProblem(
                        at,
                        "unknown algorithm '" + alg + "'",
                        Suggestions.hint(alg, ALGORITHMS.stream().sorted().toList(), "allowed")));
            }
        }
    }

    static @Nullable String jwksUriProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "the scheme must be http or https";
        }
        if (uri.getHost() == null) {
            return "no valid host";
        }
        if (uri.getRawUserInfo() != null) {
            return "user info is not allowed";
        }
        if (uri.getRawFragment() != null) {
            return "a fragment is not allowed";
        }
        return null;
    }

    private static String unknownPlan(String plan, ClientsDefinition clients) {
        return "unknown plan '" + plan + "'"
                + (clients.plans().isEmpty()
                        ? " (no plans are defined)"
                        : " (known: " + String.join(", ", clients.plans().keySet()) + ")");
    }

    private static void endpoint(
            BoundConfig bound, EndpointDefinition e, ClientsDefinition clients, List<ConfigProblem> problems) {
        String at = "endpoints." + e.name();
        if (e.auth() != AuthMode.NONE && clients.jwt() == null && clients.apiKeys() == null) {
            problems.add(new ConfigProblem(
                    at + ".auth",
                    "auth: " + e.auth().name().toLowerCase(Locale.ROOT) + " needs clients.jwt or clients.api-keys",
                    "configure how clients identify themselves"));
        }
        if (e.scopes().isEmpty() || bound.rejected(at + ".auth")) {
            return;
        }
        if (e.auth() == AuthMode.NONE) {
            problems.add(new ConfigProblem(
                    at + ".scopes",
                    "scopes on an endpoint with auth: none are never checked",
                    "set auth: required (or optional), or remove scopes"));
        } else if (clients.jwt() == null) {
            problems.add(new ConfigProblem(
                    at + ".scopes",
                    "scopes are read from JWTs, but clients.jwt is not" + " configured",
                    "API keys carry no scopes: configure clients.jwt or remove scopes"));
        }
    }
}

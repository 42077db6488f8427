package io.fanout.definition;

import static io.fanout.definition.UpstreamBinder.or;

import io.fanout.definition.ClientsDefinition.ApiKey;
import io.fanout.definition.ClientsDefinition.ApiKeys;
import io.fanout.definition.ClientsDefinition.Jwt;
import io.fanout.definition.ClientsDefinition.Plan;
import io.fanout.definition.ClientsDefinition.QuotaStore;
import io.fanout.definition.Keys.Clients;
import io.fanout.definition.Keys.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds the {@code clients} section (SPEC §8) and an endpoint's {@code auth} and {@code scopes}: keys, notations,
 * digests and names. Whether the JWKS URL is usable, algorithms are safe and plans exist is the compiler's.
 */
final class ClientsBinder {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private ClientsBinder() {}

    /** The {@code clients} section under the document's top, or {@link ClientsDefinition#NONE} when absent. */
    static ClientsDefinition bind(Section top) {
        Section s = top.raw(Keys.Top.CLIENTS) == null ? null : top.section(Keys.Top.CLIENTS, ConfigSection.CLIENTS);
        if (s == null) {
            return ClientsDefinition.NONE;
        }
        Section jwt = s.raw(Clients.JWT) == null ? null : s.section(Clients.JWT, ConfigSection.JWT);
        Section apiKeys = s.raw(Clients.API_KEYS) == null ? null : s.section(Clients.API_KEYS, ConfigSection.API_KEYS);
        Section plans = s.raw(Clients.PLANS) == null ? null : s.section(Clients.PLANS, null);
        return new ClientsDefinition(
                jwt == null ? null : jwt(jwt),
                apiKeys == null ? null : apiKeys(apiKeys),
                plans == null ? Map.of() : plans(plans),
                plans == null ? null : plans.string(Keys.Plans.PLAN_CLAIM),
                quotaStore(s));
    }

    private static Jwt jwt(Section s) {
        return new Jwt(
                or(s.requiredString(Keys.Jwt.ISSUER), ""),
                or(s.requiredString(Keys.Jwt.JWKS_URI), ""),
                requiredStrings(s, Keys.Jwt.AUDIENCES),
                s.has(Keys.Jwt.ALGORITHMS) ? strings(s, Keys.Jwt.ALGORITHMS) : Jwt.DEFAULT_ALGORITHMS,
                or(s.duration(Keys.Jwt.CLOCK_SKEW), Jwt.DEFAULT_CLOCK_SKEW),
                or(s.duration(Keys.Jwt.JWKS_CACHE), Jwt.DEFAULT_JWKS_CACHE));
    }

    private static ApiKeys apiKeys(Section s) {
        String header = or(s.string(Keys.ApiKeys.HEADER), ApiKeys.DEFAULT_HEADER);
        if (!HEADER_NAME.matcher(header).matches()) {
            s.problem(
                    Keys.ApiKeys.HEADER,
                    "invalid header name '" + header + "'",
                    "a header name is letters, digits and !#$%&'*+-.^_`|~ only");
        } else if (header.equalsIgnoreCase("Authorization")) {
            s.problem(
                    Keys.ApiKeys.HEADER,
                    "API keys cannot use the Authorization header",
                    "it carries bearer tokens; use a header of its own such as X-Api-Key");
        }
        Map<String, ApiKey> keys = new LinkedHashMap<>();
        if (!s.has(Keys.ApiKeys.KEYS)) {
            s.missing(Keys.ApiKeys.KEYS);
        }
        Section keysSection = s.raw(Keys.ApiKeys.KEYS) == null ? null : s.section(Keys.ApiKeys.KEYS, null);
        if (keysSection != null) {
            for (String name : keysSection.entries().keySet()) {
                Section k = ConfigBinder.entry(
                        keysSection,
                        name,
                        "API key",
                        NAME,
                        ConfigSection.API_KEY,
                        "a client name is letters, digits and _.:@-, starting with a letter or digit");
                if (k != null) {
                    keys.put(name, apiKey(name, k));
                }
            }
        }
        return new ApiKeys(header, keys);
    }

    private static ApiKey apiKey(String name, Section s) {
        String digest = s.requiredString(Keys.ApiKey.SHA256);
        if (digest != null && !SHA256_HEX.matcher(digest).matches()) {
            // the value is not echoed: an author who pasted the raw key must not find it in a log or a 422
            s.problem(
                    Keys.ApiKey.SHA256,
                    "must be 64 hex digits (a SHA-256 digest) but has " + digest.length() + " characters that are not",
                    "configure the key's digest, e.g. printf %s KEY | sha256sum");
            digest = null;
        }
        return new ApiKey(name, digest == null ? "" : digest.toLowerCase(Locale.ROOT), s.string(Keys.ApiKey.PLAN));
    }

    private static Map<String, Plan> plans(Section s) {
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (String name : s.entries().keySet()) {
            if (name.equals(Keys.Plans.PLAN_CLAIM.key())) {
                continue;
            }
            Section p = ConfigBinder.entry(
                    s,
                    name,
                    "plan",
                    NAME,
                    ConfigSection.PLAN,
                    "a plan name is letters, digits and _.:@-, starting with a letter or digit");
            if (p != null) {
                Rate rate = or(p.requiredRate(Keys.Plan.RATE), new Rate(1, Duration.ofSeconds(1)));
                plans.put(name, new Plan(name, rate, or(p.integer(Keys.Plan.BURST), Defaults.burst(rate))));
            }
        }
        return plans;
    }

    private static QuotaStore quotaStore(Section s) {
        String value = s.string(Clients.QUOTA_STORE);
        if (value == null) {
            return QuotaStore.LOCAL;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "local" -> QuotaStore.LOCAL;
            case "redis" -> QuotaStore.REDIS;
            default -> {
                s.problem(
                        Clients.QUOTA_STORE,
                        "unknown quota-store '" + value + "'",
                        "use local (per instance, the default) or redis (shared by the fleet)");
                yield QuotaStore.LOCAL;
            }
        };
    }

    /** {@code auth} of an endpoint. */
    static AuthMode auth(Section endpoint) {
        String value = endpoint.string(Endpoint.AUTH);
        if (value == null) {
            return AuthMode.NONE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> AuthMode.NONE;
            case "optional" -> AuthMode.OPTIONAL;
            case "required" -> AuthMode.REQUIRED;
            default -> {
                endpoint.problem(
                        Endpoint.AUTH, "unknown auth '" + value + "'", "use required, optional or none (the default)");
                yield AuthMode.NONE;
            }
        };
    }

    /** {@code scopes} of an endpoint. */
    static List<String> scopes(Section endpoint) {
        return strings(endpoint, Endpoint.SCOPES);
    }

    private static List<String> requiredStrings(Section s, ConfigKey key) {
        if (!s.has(key)) {
            s.missing(key);
            return List.of();
        }
        List<String> values = strings(s, key);
        if (values.isEmpty() && !s.reported(key)) {
            s.problem(key, "must list at least one value");
        }
        return values;
    }

    /** A list of non-blank strings without spaces, each once. */
    static List<String> strings(Section s, ConfigKey key) {
        List<?> list = s.list(key);
        if (list == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String location = ProblemCollector.at(s.at(key), i);
            Object v = list.get(i);
            if (!(v instanceof String str) || str.isBlank() || str.chars().anyMatch(c -> c <= ' ')) {
                s.problems().add(location, "expected a value without spaces but was " + ProblemCollector.describe(v));
            } else if (values.contains(str)) {
                s.problems().add(location, "'" + str + "' is listed twice");
            } else {
                values.add(str);
            }
        }
        return values;
    }
}

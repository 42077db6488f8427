package io.fanout.definition;

import io.fanout.definition.Keys.Upstream;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Binds one {@code upstreams.<name>} section: its keys, their notations and which keys its kind allows. Whether
 * its URL is usable (after {@code ${ENV}} expansion) and its class exists is the compiler's.
 */
final class UpstreamBinder {

    /** A Java class name: dot-separated identifiers ({@code $} for nested classes). */
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    private UpstreamBinder() {}

    static UpstreamDefinition bind(String name, Section s) {
        UpstreamKind kind = kind(s);
        String url = null;
        String className = null;
        if (kind == UpstreamKind.JAVA) {
            className = s.requiredString(Upstream.CLASS);
            if (className != null && !CLASS_NAME.matcher(className).matches()) {
                s.problem(
                        Upstream.CLASS,
                        "invalid class name '" + className + "'",
                        "the fully qualified name of a class implementing io.fanout.upstream.blocking.BlockingSource");
            }
            if (s.has(Upstream.URL)) {
                s.problem(Upstream.URL, "a java upstream has a class, not a url", "configure the source in its class");
            }
        } else {
            url = s.requiredString(Upstream.URL);
            if (s.has(Upstream.CLASS)) {
                s.problem(Upstream.CLASS, "'class' is only for java upstreams", "set kind: java");
            }
        }
        onlyFor(s, kind, List.of(UpstreamKind.HTTP), Upstream.HEADERS, null);
        onlyFor(s, kind, List.of(UpstreamKind.HTTP), Upstream.MAX_CONNECTIONS, "use pool-size");
        onlyFor(s, kind, List.of(UpstreamKind.JDBC), Upstream.USERNAME, null);
        onlyFor(s, kind, List.of(UpstreamKind.JDBC), Upstream.PASSWORD, null);
        onlyFor(s, kind, List.of(UpstreamKind.JDBC, UpstreamKind.JAVA), Upstream.POOL_SIZE, "use max-connections");
        int poolSize = or(s.integer(Upstream.POOL_SIZE), UpstreamDefinition.DEFAULT_POOL_SIZE);
        BulkheadDefinition bulkhead = PolicyBinder.bulkhead(s);
        if (kind != null && kind.blocking() && bulkhead != null && bulkhead.maxConcurrent() > poolSize) {
            // more permits than threads would queue calls where neither the bulkhead nor a deadline sees them
            s.problem(
                    Upstream.BULKHEAD,
                    "max-concurrent of a " + kind.name().toLowerCase(Locale.ROOT)
                            + " upstream cannot exceed its pool-size (" + poolSize + ") but was "
                            + bulkhead.maxConcurrent(),
                    "raise pool-size or lower max-concurrent; without a bulkhead it is pool-size");
        }
        return new UpstreamDefinition(
                name,
                kind == null ? UpstreamKind.HTTP : kind,
                url == null ? "" : url,
                or(s.duration(Upstream.TIMEOUT), UpstreamDefinition.DEFAULT_TIMEOUT),
                or(s.duration(Upstream.CONNECT_TIMEOUT), UpstreamDefinition.DEFAULT_CONNECT_TIMEOUT),
                or(s.integer(Upstream.MAX_CONNECTIONS), UpstreamDefinition.DEFAULT_MAX_CONNECTIONS),
                or(s.size(Upstream.MAX_RESPONSE_SIZE), UpstreamDefinition.DEFAULT_MAX_RESPONSE_SIZE),
                Shapes.headers(s, Upstream.HEADERS),
                s.string(Upstream.USERNAME),
                s.string(Upstream.PASSWORD),
                poolSize,
                bulkhead,
                PolicyBinder.rateLimit(s),
                PolicyBinder.retry(s),
                PolicyBinder.circuitBreaker(s),
                PolicyBinder.hedge(s),
                PolicyBinder.cache(s),
                or(s.bool(Upstream.COALESCE), false),
                className);
    }

    /** The kind, HTTP when absent, null (reported) when unknown. */
    private static @Nullable UpstreamKind kind(Section s) {
        if (!s.has(Upstream.KIND)) {
            return UpstreamKind.HTTP;
        }
        String kind = s.string(Upstream.KIND);
        if (kind == null) {
            return null;
        }
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "http" -> UpstreamKind.HTTP;
            case "jdbc" -> UpstreamKind.JDBC;
            case "java" -> UpstreamKind.JAVA;
            default -> {
                s.problem(Upstream.KIND, "unknown kind '" + kind + "'", "use http (the default), jdbc or java");
                yield null;
            }
        };
    }

    private static void onlyFor(
            Section s, @Nullable UpstreamKind kind, List<UpstreamKind> only, ConfigKey key, @Nullable String hint) {
        if (kind != null && !only.contains(kind) && s.has(key)) {
            s.problem(
                    key,
                    "'" + key.key() + "' is only for "
                            + String.join(
                                    " and ",
                                    only.stream()
                                            .map(k -> k.name().toLowerCase(Locale.ROOT))
                                            .toList())
                            + " upstreams, but this one is " + kind.name().toLowerCase(Locale.ROOT),
                    hint);
        }
    }

    static <T> T or(@Nullable T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}

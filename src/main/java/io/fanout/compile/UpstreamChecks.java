package io.fanout.compile;

import io.fanout.definition.BoundConfig;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.definition.UpstreamKind;
import io.fanout.upstream.blocking.BlockingSource;
import io.fanout.upstream.blocking.JavaUpstreamClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an upstream's settings mean: its URL is usable (as written and after {@code ${ENV}} expansion), its
 * environment variables may be used and are set, its class exists. Answers the upstream with the environment
 * expanded, for building its client; nothing is connected.
 */
final class UpstreamChecks {

    private static final String URL_HINT =
            "an absolute http or https URL: host, optional port and base path, e.g. http://localhost:8080/api";
    /** Threads (and, for jdbc, database connections) one upstream may own: each is a platform thread. */
    static final int MAX_POOL_SIZE = 512;
    /** The largest answer one call may buffer: past it a byte array cannot hold it at all. */
    static final long MAX_RESPONSE_SIZE = 1L << 30;

    private static final String NOT_SHOWN = "the value is not shown: it may hold a secret";

    private final BoundConfig bound;
    private final EnvironmentExpander environment;

    UpstreamChecks(BoundConfig bound, EnvironmentExpander environment) {
        this.bound = bound;
        this.environment = environment;
    }

    /** The upstream with {@code ${NAME}} expanded; its problems are added to {@code problems}. */
    UpstreamDefinition check(UpstreamDefinition u, List<ConfigProblem> problems) {
        String at = "upstreams." + u.name();
        boolean kindKnown = !bound.rejected(at + ".kind");
        String url = u.url();
        if (kindKnown && u.kind() != UpstreamKind.JAVA && !bound.rejected(at + ".url")) {
            url = url(u, at + ".url", problems);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        u.headers().forEach((k, v) -> headers.put(k, expand(v, at + ".headers." + k, problems)));
        String user = u.username() == null ? null : expand(u.username(), at + ".username", problems);
        String pass = u.password() == null ? null : expand(u.password(), at + ".password", problems);
        if (kindKnown && u.kind() == UpstreamKind.JAVA && u.className() != null && !bound.rejected(at + ".class")) {
            String problem = JavaUpstreamClient.problemWith(u.className());
            if (problem != null) {
                problems.add(new ConfigProblem(
                        at + ".class",
                        problem,
                        "put the jar on the classpath; the class implements " + BlockingSource.class.getName()));
            }
        }
        ceilings(u, at, problems);
        return new UpstreamDefinition(
                u.name(),
                u.kind(),
                url,
                u.timeout(),
                u.connectTimeout(),
                u.maxConnections(),
                u.maxResponseSize(),
                headers,
                user,
                pass,
                u.poolSize(),
                u.bulkhead(),
                u.rateLimit(),
                u.retry(),
                u.circuitBreaker(),
                u.hedge(),
                u.cache(),
                u.coalesce(),
                u.className());
    }

    /** Expands a value the binder accepted; one it rejected is reported already and never used. */
    private String expand(String value, String location, List<ConfigProblem> problems) {
        return bound.rejected(location) ? value : environment.expand(value, location, problems);
    }

    /** The expanded URL, checked as written first (so its message can show it) and again once expanded. */
    private String url(UpstreamDefinition u, String location, List<ConfigProblem> problems) {
        String raw = u.url();
        if (u.kind() == UpstreamKind.JDBC) {
            if (!raw.startsWith("jdbc:") && !raw.startsWith("${")) {
                problems.add(new ConfigProblem(
                        location,
                        "a jdbc upstream needs a URL starting with 'jdbc:' but was '" + raw + "'",
                        "e.g. jdbc:postgresql://localhost:5432/legacy"));
                return raw;
            }
            String url = environment.expand(raw, location, problems);
            if (!url.equals(raw) && !url.startsWith("jdbc:")) {
                problems.add(new ConfigProblem(
                        location,
                        "after expanding the environment, the URL does not start" + " with 'jdbc:'",
                        NOT_SHOWN));
            }
            return url;
        }
        String problem = httpUrlProblem(raw);
        if (problem != null) {
            problems.add(new ConfigProblem(location, "invalid url '" + raw + "': " + problem, URL_HINT));
            return raw;
        }
        int before = problems.size();
        String url = environment.expand(raw, location, problems);
        if (!url.equals(raw) && problems.size() == before && httpUrlProblem(url) != null) {
            problems.add(new ConfigProblem(
                    location,
                    "after expanding the environment, the URL is not an absolute"
                            + " http(s) URL with only a host, port and base path",
                    NOT_SHOWN));
        }
        return url;
    }

    /** What makes {@code url} unusable as an HTTP upstream's base, or null when it is fine. */
    static @Nullable String httpUrlProblem(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (url.contains("${")) {
            // checked again once expanded; check what is visible now
            if (!url.startsWith("${") && !lower.startsWith("http://") && !lower.startsWith("https://")) {
                return "the scheme must be http or https";
            }
            if (url.contains("?") || url.contains("#") || url.contains("@")) {
                return "only host, port and base path are allowed (no query, fragment or user info)";
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return e.getReason() + " at index " + e.getIndex();
        }
        if (uri.getScheme() == null) {
            return "not an absolute URL";
        }
        if (!lower.startsWith("http:") && !lower.startsWith("https:")) {
            return "the scheme must be http or https";
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return "no host";
        }
        if (uri.getRawUserInfo() != null) {
            return "user info is not allowed (send credentials in headers)";
        }
        if (uri.getHost() == null) {
            return "no valid host (letters, digits, '-' and '.')";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "port " + uri.getPort() + " is not between 1 and 65535";
        }
        if (uri.getRawQuery() != null) {
            return "a query is not allowed (query parameters belong to calls)";
        }
        if (uri.getRawFragment() != null) {
            return "a fragment is not allowed";
        }
        return null;
    }

    /**
     * Ceilings on the settings that size memory and threads: a token holder must not be able to make one config
     * start thousands of threads or promise to buffer answers no array can hold.
     */
    private static void ceilings(UpstreamDefinition u, String at, List<ConfigProblem> problems) {
        if (u.poolSize() > MAX_POOL_SIZE) {
            problems.add(new ConfigProblem(
                    at + ".pool-size",
                    "must be at most " + MAX_POOL_SIZE + " but was " + u.poolSize(),
                    "each pooled connection is a thread of its own"));
        }
        if (u.maxResponseSize() > MAX_RESPONSE_SIZE) {
            problems.add(new ConfigProblem(
                    at + ".max-response-size",
                    "must be at most 1GB but was " + u.maxResponseSize() + " bytes",
                    "an answer is buffered whole before it is checked"));
        }
    }
}

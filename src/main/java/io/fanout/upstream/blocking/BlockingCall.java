package io.fanout.upstream.blocking;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One call to a {@link BlockingSource}, with its templates already rendered: path and query parameters decoded,
 * the call's headers, the JSON body if any, and the time it may take.
 *
 * @param upstream  the upstream's name
 * @param method    the call's method (GET unless configured)
 * @param path      the rendered path, decoded ({@code /profiles/42})
 * @param query     query parameters in order, decoded
 * @param headers   lower-case header name to value: forwarded client headers and the call's {@code headers}
 * @param body      the rendered JSON body, or null
 * @param requestId the client request's id (also in log lines about it)
 * @param timeLeft  how long this attempt may take; the thread is interrupted when it runs out
 */
public record BlockingCall(
        String upstream,
        String method,
        String path,
        Map<String, List<String>> query,
        Map<String, String> headers,
        byte @Nullable [] body,
        String requestId,
        Duration timeLeft) {

    public BlockingCall {
        Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.copyOf(v)));
        query = Collections.unmodifiableMap(q);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The first value of a query parameter, or null. */
    public @Nullable String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A header by case-insensitive name, or null. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as UTF-8 text, or null. */
    public @Nullable String bodyText() {
        return body == null ? null : new String(body, StandardCharsets.UTF_8);
    }

    /** Splits an encoded {@code /path?a=1&b=2} as Fanout renders it (values percent-encoded, never {@code +}). */
    static BlockingCall parse(
            String upstream,
            String method,
            String pathAndQuery,
            List<String> headerPairs,
            byte @Nullable [] body,
            String requestId,
            Duration timeLeft) {
        int q = pathAndQuery.indexOf('?');
        String path = decode(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i + 1 < headerPairs.size(); i += 2) {
            headers.put(headerPairs.get(i).toLowerCase(Locale.ROOT), headerPairs.get(i + 1));
        }
        return new BlockingCall(upstream, method, path, query, headers, body, requestId, timeLeft);
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        // Fanout encodes '+' as %2B, so '+' is literal here (unlike form decoding)
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

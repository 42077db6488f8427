package io.fanout.plan;

import io.fanout.template.PercentEncoding;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An endpoint route such as {@code /v1/users/{id}/overview}, split once into literal and variable segments.
 * Matching walks the raw request path without regular expressions; variables are percent-decoded.
 */
public final class RoutePattern {

    private final String text;
    private final String[] literals;
    private final List<String> variables;

    private RoutePattern(String text, String[] literals, List<String> variables) {
        this.text = text;
        this.literals = literals;
        this.variables = List.copyOf(variables);
    }

    /** Parses a route validated by the definition binder ({@code /a/{b}/c}). */
    public static RoutePattern parse(String path) {
        List<String> segs = splitPath(path);
        if (segs == null) {
            throw new IllegalArgumentException("invalid route " + path);
        }
        String[] literals = new String[segs.size()];
        List<String> vars = new ArrayList<>();
        for (int i = 0; i < segs.size(); i++) {
            String s = segs.get(i);
            if (s.length() > 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
                vars.add(s.substring(1, s.length() - 1));
                literals[i] = null;
            } else {
                literals[i] = s;
            }
        }
        return new RoutePattern(path, literals, vars);
    }

    /** Segments of a raw path, or null when it has empty segments (e.g. {@code //} or a trailing slash). */
    static @Nullable List<String> splitPath(String path) {
        List<String> segs = new ArrayList<>(8);
        if (path.isEmpty() || path.charAt(0) != '/') {
            return null;
        }
        if (path.length() == 1) {
            return segs;
        }
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i == start) {
                    return null;
                }
                segs.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return segs;
    }

    /** The route as written. */
    public String text() {
        return text;
    }

    /** Variable names in order. */
    public List<String> variables() {
        return variables;
    }

    int segmentCount() {
        return literals.length;
    }

    boolean isLiteral(int segment) {
        return literals[segment] != null;
    }

    /** Decoded variable values when {@code segments} match, else null. */
    String @Nullable [] match(List<String> segments) {
        if (segments.size() != literals.length) {
            return null;
        }
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null && !literals[i].equals(segments.get(i))) {
                return null;
            }
        }
        String[] values = new String[variables.size()];
        int v = 0;
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] == null) {
                values[v++] = PercentEncoding.decode(segments.get(i));
            }
        }
        return values;
    }

    /** Shape with variables normalised, for duplicate detection: {@code /users/{}}. */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (String l : literals) {
            sb.append('/').append(l == null ? "{}" : l);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}

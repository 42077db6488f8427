package io.fanout.template;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.util.List;

/**
 * An upstream path template split into segments at compile time. Each substituted value is encoded as part of one
 * segment, and a segment that would be {@code .} or {@code ..} is refused, so no input leaves the upstream's base
 * path.
 */
public final class PathTemplate {

    private final String basePath;
    private final TextTemplate[] segments;
    private final boolean[] dynamic;

    PathTemplate(String basePath, List<TextTemplate> segments) {
        this.basePath = basePath;
        this.segments = segments.toArray(TextTemplate[]::new);
        this.dynamic = new boolean[this.segments.length];
        for (int i = 0; i < this.segments.length; i++) {
            dynamic[i] = !this.segments[i].isConstant();
        }
    }

    /** Appends the base path and every segment, each value encoded inside its segment. */
    public void render(TemplateScope scope, StringBuilder out) {
        out.append(basePath);
        for (int i = 0; i < segments.length; i++) {
            out.append('/');
            int start = out.length();
            if (!segments[i].render(scope, TextTemplate.Place.PATH_SEGMENT, out)) {
                throw TextTemplate.missing(segments[i].single());
            }
            if (dynamic[i]) {
                checkDotSegment(out, start, segments[i]);
            }
        }
        if (segments.length == 0) {
            out.append('/');
        }
    }

    /**
     * Refuses a segment that is, or once decoded contains, a {@code .} or {@code ..} path segment. Values are
     * encoded, so '/' and '\' arrive as %2F and %5C; but nginx, Envoy, Tomcat and Spring can each be configured to
     * decode those (and some decode twice) before normalising, which would turn {@code ..%2Fx} into {@code ../x}
     * and step out of the base path (docs/templates.md).
     */
    private static void checkDotSegment(StringBuilder out, int start, TextTemplate segment) {
        int len = out.length() - start;
        if (len == 0) {
            throw new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, "path segment from " + describe(segment) + " is empty");
        }
        if (!mayHoldDots(out, start)) {
            return;
        }
        // encoded form: '.' stays '.', '%' became %25; decode twice so "%2e%2e" (sent as %252e%252e) is refused too
        String decoded = PercentEncoding.decode(PercentEncoding.decode(out.substring(start)));
        if (decoded.equals(".") || decoded.equals("..")) {
            throw new CallFailure(
                    ErrorType.BAD_TEMPLATE_VALUE,
                    "path segment from " + describe(segment) + " would be '" + decoded + "'");
        }
        if (hasDotPart(decoded)) {
            throw new CallFailure(
                    ErrorType.BAD_TEMPLATE_VALUE,
                    "path segment from " + describe(segment)
                            + " would hold a '.' or '..' segment once a server decodes %2F or %5C");
        }
    }

    /** Only a '.' or a '%' (an encoded dot, slash or backslash) can become a dot segment: the common case is cheap. */
    private static boolean mayHoldDots(StringBuilder out, int start) {
        for (int i = start; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '.' || c == '%') {
                return true;
            }
        }
        return false;
    }

    /** Whether a part between '/' or '\' separators is {@code .} or {@code ..}. */
    private static boolean hasDotPart(String decoded) {
        int partStart = 0;
        for (int i = 0; i <= decoded.length(); i++) {
            if (i == decoded.length() || decoded.charAt(i) == '/' || decoded.charAt(i) == '\\') {
                int n = i - partStart;
                if ((n == 1 || n == 2) && decoded.charAt(partStart) == '.' && decoded.charAt(i - 1) == '.') {
                    return true;
                }
                partStart = i + 1;
            }
        }
        return false;
    }

    private static String describe(TextTemplate t) {
        StringBuilder sb = new StringBuilder();
        for (Object p : t.parts()) {
            if (p instanceof ValueRef r) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(r.text());
            }
        }
        return sb.toString();
    }
}

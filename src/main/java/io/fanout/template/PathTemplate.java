package io.fanout.template;

import java.util.List;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;

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

    private static void checkDotSegment(StringBuilder out, int start, TextTemplate segment) {
        int len = out.length() - start;
        if (len == 0) {
            throw new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, "path segment from " + describe(segment) + " is empty");
        }
        if (len > 12 || (out.charAt(start) != '.' && out.charAt(start) != '%')) {
            return;
        }
        // encoded form: '.' stays '.', '%' became %25; decode twice so "%2e%2e" (sent as %252e%252e) is refused too
        String decoded = PercentEncoding.decode(PercentEncoding.decode(out.substring(start)));
        if (decoded.equals(".") || decoded.equals("..")) {
            throw new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, "path segment from " + describe(segment)
                    + " would be '" + decoded + "'");
        }
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

package io.fanout.template;

import io.fanout.definition.ConfigProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses template text into compiled templates, once per config version. What a reference means (which path
 * variable, which call) is decided by the caller's {@link Resolver}; syntax problems are reported here, located.
 */
public final class Templates {

    private static final String SYNTAX_HINT = "write {source.field}, e.g. {path.id}";

    private Templates() {}

    /** Turns a reference into something a template can read, or reports why it cannot (answering null). */
    @FunctionalInterface
    public interface Resolver {
        @Nullable
        ValueRef resolve(TemplateRef ref, String location, List<ConfigProblem> problems);
    }

    /** A text template (a path segment, query value or header value). */
    public static TextTemplate text(String text, String location, Resolver resolver, List<ConfigProblem> problems) {
        List<Object> parts;
        try {
            parts = TemplateSyntax.parse(text);
        } catch (TemplateSyntax.TemplateSyntaxException e) {
            problems.add(new ConfigProblem(location, e.getMessage(), SYNTAX_HINT));
            return new TextTemplate(List.of(text));
        }
        List<Object> compiled = new ArrayList<>(parts.size());
        for (Object p : parts) {
            if (p instanceof TemplateRef r) {
                ValueRef v = resolver.resolve(r, location, problems);
                compiled.add(v == null ? r.text() : v);
            } else {
                compiled.add(p);
            }
        }
        return new TextTemplate(compiled);
    }

    /** A call path under the upstream's base path, one template per segment (the path starts with '/'). */
    public static PathTemplate path(
            String text, String baseUrl, String location, Resolver resolver, List<ConfigProblem> problems) {
        List<TextTemplate> segments = new ArrayList<>();
        String rest = text.length() <= 1 ? "" : text.substring(1);
        if (!rest.isEmpty()) {
            for (String segment : splitOutsideBraces(rest)) {
                segments.add(text(segment, location, resolver, problems));
            }
        }
        return new PathTemplate(basePath(baseUrl), segments);
    }

    /**
     * A JSON body: a string that is exactly one reference keeps the referenced value's JSON type, and
     * {@code "{body}"} as the whole body forwards the client's body unchanged.
     */
    public static BodyTemplate body(
            @Nullable Object node, String location, Resolver resolver, List<ConfigProblem> problems) {
        if (node instanceof String s && s.strip().equals("{body}")) {
            return new BodyTemplate.WholeBody();
        }
        return bodyNode(node, location, resolver, problems);
    }

    private static BodyTemplate bodyNode(
            @Nullable Object node, String location, Resolver resolver, List<ConfigProblem> problems) {
        if (node instanceof Map<?, ?> map) {
            Map<String, BodyTemplate> fields = new LinkedHashMap<>();
            map.forEach((k, v) -> fields.put(String.valueOf(k), bodyNode(v, location + "." + k, resolver, problems)));
            return new BodyTemplate.Obj(fields);
        }
        if (node instanceof List<?> list) {
            List<BodyTemplate> values = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                values.add(bodyNode(list.get(i), location + "[" + i + "]", resolver, problems));
            }
            return new BodyTemplate.Arr(values);
        }
        if (node instanceof String s) {
            TextTemplate t = text(s, location, resolver, problems);
            if (t.isConstant()) {
                return new BodyTemplate.Constant(s.replace("{{", "{").replace("}}", "}"));
            }
            ValueRef single = t.single();
            return single != null ? new BodyTemplate.Ref(single) : new BodyTemplate.Text(t);
        }
        return new BodyTemplate.Constant(node);
    }

    /**
     * A read-only SQL query whose templates become bound parameters; null when it cannot be one.
     *
     * @param templateSources     names that start a template (sources and call names), to spot templates in quotes
     * @param escapeQuestionMarks true for PostgreSQL's driver, where a literal {@code ?} is written {@code ??}
     */
    public static @Nullable SqlTemplate sql(
            String text,
            Set<String> templateSources,
            boolean escapeQuestionMarks,
            String location,
            Resolver resolver,
            List<ConfigProblem> problems) {
        SqlTemplate.Scanned scanned;
        try {
            scanned = SqlTemplate.scan(text, templateSources, escapeQuestionMarks);
        } catch (TemplateSyntax.TemplateSyntaxException e) {
            problems.add(new ConfigProblem(location, e.getMessage(), SYNTAX_HINT));
            return null;
        }
        scanned.problems()
                .forEach(p -> problems.add(new ConfigProblem(
                        location, p, "a query only reads, and its templates become bound parameters")));
        List<@Nullable ValueRef> resolved = new ArrayList<>();
        for (Object part : scanned.parts()) {
            if (part instanceof TemplateRef r) {
                resolved.add(resolver.resolve(r, location, problems));
            }
        }
        return SqlTemplate.of(scanned.parts(), resolved);
    }

    /** The base path of an upstream URL without a trailing slash ({@code http://h:1/api/} gives {@code /api}). */
    static String basePath(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        if (slash < 0) {
            return "";
        }
        String p = url.substring(slash);
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Splits at '/' that are not inside {...}. */
    static List<String> splitOutsideBraces(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (c == '/' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}

package io.fanout.template;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.SqlQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A call's SQL with its templates taken out: each {@code {source.x}} outside quotes and comments becomes a
 * {@code ?} placeholder and its value a bound parameter, so no input ever becomes SQL text. Parsed once at load.
 */
public final class SqlTemplate {

    /** Words that write, lock or run other statements: a call's query may only read. */
    private static final Set<String> WRITING = Set.of(
            "insert",
            "update",
            "delete",
            "merge",
            "truncate",
            "drop",
            "alter",
            "create",
            "grant",
            "revoke",
            "copy",
            "call",
            "vacuum",
            "lock",
            "into",
            "execute",
            "prepare",
            "listen",
            "notify",
            "set",
            "reset",
            "begin",
            "commit",
            "rollback",
            "do");

    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private final String sql;
    private final ValueRef[] parameters;

    private SqlTemplate(String sql, List<ValueRef> parameters) {
        this.sql = sql;
        this.parameters = parameters.toArray(ValueRef[]::new);
    }

    String sql() {
        return sql;
    }

    int parameterCount() {
        return parameters.length;
    }

    /** The parts of a scanned query: literal SQL (String) and references (TemplateRef), in order. */
    record Scanned(List<Object> parts, List<String> problems) {}

    /**
     * Splits {@code text} into SQL and template references, noting what a read-only, bindable query must not have.
     *
     * @param templateSources names that start a template (sources and call names), to spot templates in quotes
     * @param escapeQuestionMarks true for PostgreSQL's driver, where a literal {@code ?} is written {@code ??}
     */
    static Scanned scan(String text, Set<String> templateSources, boolean escapeQuestionMarks) {
        List<Object> parts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StringBuilder sql = new StringBuilder(text.length() + 8);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                boolean backslashes = c == '\'' && i > 0 && (text.charAt(i - 1) == 'E' || text.charAt(i - 1) == 'e');
                int end = quotedEnd(text, i, c, backslashes);
                checkQuoted(text.substring(i, end), templateSources, problems);
                sql.append(text, i, end);
                i = end;
            } else if (c == '$' && dollarTag(text, i) != null) {
                String tag = dollarTag(text, i);
                int close = text.indexOf(tag, i + tag.length());
                int end = close < 0 ? n : close + tag.length();
                checkQuoted(text.substring(i, end), templateSources, problems);
                sql.append(text, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int eol = text.indexOf('\n', i);
                int end = eol < 0 ? n : eol;
                sql.append(text, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = blockCommentEnd(text, i);
                sql.append(text, i, end);
                i = end;
            } else if (c == '{' && i + 1 < n && text.charAt(i + 1) == '{') {
                sql.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < n && text.charAt(i + 1) == '}') {
                sql.append('}');
                i += 2;
            } else if (c == '{') {
                int end = text.indexOf('}', i + 1);
                if (end < 0) {
                    problems.add("unclosed '{' at position " + i);
                    sql.append(text.substring(i));
                    break;
                }
                if (sql.length() > 0) {
                    parts.add(sql.toString());
                    sql.setLength(0);
                }
                List<Object> ref = TemplateSyntax.parse(text.substring(i, end + 1));
                parts.addAll(ref);
                i = end + 1;
            } else if (c == '}') {
                problems.add("unmatched '}' at position " + i + " (write '}}' for a literal brace)");
                i++;
            } else if (c == '?') {
                if (escapeQuestionMarks) {
                    sql.append("??");
                } else {
                    problems.add("a literal '?' would be taken for a parameter by this driver");
                }
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                Matcher m = WORD.matcher(text).region(i, n);
                m.lookingAt();
                String word = m.group();
                if (WRITING.contains(word.toLowerCase(Locale.ROOT))) {
                    problems.add("only reading queries are allowed, but it contains '" + word + "'");
                }
                sql.append(word);
                i = m.end();
            } else {
                sql.append(c);
                i++;
            }
        }
        if (sql.length() > 0) {
            parts.add(sql.toString());
        }
        return new Scanned(parts, problems);
    }

    /** Builds the template from scanned parts whose references have been resolved (null for unresolved ones). */
    static SqlTemplate of(List<Object> parts, List<@Nullable ValueRef> resolved) {
        StringBuilder sql = new StringBuilder();
        List<ValueRef> parameters = new ArrayList<>();
        int r = 0;
        for (Object part : parts) {
            if (part instanceof String s) {
                sql.append(s);
            } else {
                ValueRef ref = resolved.get(r++);
                if (ref != null) {
                    parameters.add(ref);
                }
                sql.append('?');
            }
        }
        return new SqlTemplate(sql.toString(), parameters);
    }

    /** Renders the parameter values for one request; every value is bound, never spliced into the SQL. */
    public SqlQuery render(TemplateScope scope, boolean single) {
        List<@Nullable Object> values = new ArrayList<>(parameters.length);
        for (ValueRef ref : parameters) {
            values.add(value(ref, scope));
        }
        return new SqlQuery(sql, values, single);
    }

    /** JSON numbers and booleans keep their type; everything else is text the server converts as needed. */
    private static Object value(ValueRef ref, TemplateScope scope) {
        if (ref instanceof ValueRef.Json json) {
            JsonNode node = json.node(scope);
            if (node != null) {
                if (node.isObject() || node.isArray()) {
                    throw new CallFailure(
                            ErrorType.BAD_TEMPLATE_VALUE,
                            ref.text() + " is " + (node.isObject() ? "an object" : "an array")
                                    + ", not a single value");
                }
                if (node.isNumber()) {
                    return node.decimalValue();
                }
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                return node.asString();
            }
        }
        String text = ref.resolveText(scope);
        if (text == null) {
            throw TextTemplate.missing(ref);
        }
        return text;
    }

    private static int quotedEnd(String text, int start, char quote, boolean backslashes) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return text.length();
    }

    private static @Nullable String dollarTag(String text, int start) {
        int i = start + 1;
        if (i < text.length() && Character.isDigit(text.charAt(i))) {
            return null; // $1: a positional parameter, not a quote
        }
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '$' ? text.substring(start, i + 1) : null;
    }

    private static int blockCommentEnd(String text, int start) {
        int depth = 0;
        int i = start;
        while (i < text.length()) {
            if (text.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (text.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return text.length();
    }

    private static final Pattern QUOTED_TEMPLATE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)(?:[.|][^{}]*)?}");

    /** A template inside quotes would be SQL text, not a parameter: almost surely a mistake, so say so. */
    private static void checkQuoted(String quoted, Set<String> templateSources, List<String> problems) {
        Matcher m = QUOTED_TEMPLATE.matcher(quoted);
        while (m.find()) {
            if (templateSources.contains(m.group(1))) {
                problems.add("template " + m.group() + " is inside quotes, where it would not be bound; write it"
                        + " outside, e.g. '%' || " + m.group() + " || '%'");
                return;
            }
        }
    }
}

package io.fanout.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits template text into literal text and {@link TemplateRef}s. {@code {{} and {@code }}} are literal braces.
 * Parsing happens once, when a config is compiled.
 */
public final class TemplateSyntax {

    private TemplateSyntax() {}

    /** Parsed template: alternating literal strings and refs. Elements are String or TemplateRef. */
    public static List<Object> parse(String text) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                    literal.append('{');
                    i += 2;
                    continue;
                }
                int end = text.indexOf('}', i + 1);
                if (end < 0) {
                    throw new TemplateSyntaxException("unclosed '{' at position " + i + " in '" + text + "'");
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(ref(text.substring(i, end + 1)));
                i = end + 1;
            } else if (c == '}') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '}') {
                    literal.append('}');
                    i += 2;
                    continue;
                }
                throw new TemplateSyntaxException(
                        "unmatched '}' at position " + i + " in '" + text + "' (write '}}' for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return parts;
    }

    private static TemplateRef ref(String braced) {
        String inner = braced.substring(1, braced.length() - 1);
        String def = null;
        int bar = inner.indexOf('|');
        if (bar >= 0) {
            def = inner.substring(bar + 1);
            inner = inner.substring(0, bar);
        }
        inner = inner.strip();
        if (inner.isEmpty()) {
            throw new TemplateSyntaxException("empty reference '" + braced + "'");
        }
        String[] segs = inner.split("\\.", -1);
        for (String s : segs) {
            if (s.isEmpty()) {
                throw new TemplateSyntaxException("empty name in reference '" + braced + "'");
            }
        }
        return new TemplateRef(segs[0], Arrays.asList(segs).subList(1, segs.length), def, braced);
    }

    /** Thrown for malformed template text; the compiler turns it into a config problem. */
    public static final class TemplateSyntaxException extends RuntimeException {
        TemplateSyntaxException(String message) {
            super(message, null, false, false);
        }
    }
}

package io.fanout.template;

import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A compiled text template: literal parts and references, rendered for one place (path segment, query value,
 * header value). Literal parts are written as configured; substituted values are encoded for their place.
 */
public final class TextTemplate {

    /** Where a rendered value goes; decides encoding and what is rejected. */
    public enum Place {
        PATH_SEGMENT,
        QUERY,
        HEADER,
        PLAIN
    }

    private final Object[] parts;
    private final @Nullable ValueRef single;
    private final boolean constant;

    TextTemplate(List<Object> parts) {
        this.parts = parts.toArray();
        this.single = parts.size() == 1 && parts.get(0) instanceof ValueRef r ? r : null;
        this.constant = parts.stream().noneMatch(p -> p instanceof ValueRef);
    }

    public boolean isConstant() {
        return constant;
    }

    /** The template is exactly one reference (so "missing" can mean "leave the parameter out"). */
    public @Nullable ValueRef single() {
        return single;
    }

    List<Object> parts() {
        return List.of(parts);
    }

    /**
     * Renders into {@code out}; returns false when the template is a single reference whose value is missing
     * (the caller decides whether that omits the element or is an error).
     */
    public boolean render(TemplateScope scope, Place place, StringBuilder out) {
        for (Object part : parts) {
            if (part instanceof String s) {
                out.append(s);
                continue;
            }
            ValueRef ref = (ValueRef) part;
            String value = ref.resolveText(scope);
            if (value == null) {
                if (single != null) {
                    return false;
                }
                throw missing(ref);
            }
            switch (place) {
                case PATH_SEGMENT, QUERY -> PercentEncoding.encode(value, out);
                case HEADER -> out.append(checkHeaderValue(ref, value));
                case PLAIN -> out.append(value);
            }
        }
        return true;
    }

    static CallFailure missing(ValueRef ref) {
        return new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, ref.text() + " has no value and no default");
    }

    private static String checkHeaderValue(ValueRef ref, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7F) {
                throw new CallFailure(
                        ErrorType.BAD_TEMPLATE_VALUE,
                        ref.text() + " contains "
                                + (c == '\r' || c == '\n' ? "a line break" : "a character not allowed in a header")
                                + " and cannot be sent as a header value");
            }
        }
        return value;
    }
}

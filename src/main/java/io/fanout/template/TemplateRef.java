package io.fanout.template;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One {@code {source.a.b|default}} reference inside a template, as written.
 *
 * @param source       {@code path}, {@code query}, {@code header}, {@code body}, {@code item} or a call name
 * @param path         the segments after the source (may be empty, e.g. {@code {body}} or {@code {item}})
 * @param defaultValue text after {@code |}, or null when none was given
 * @param text         the reference as written, braces included, for messages
 */
public record TemplateRef(
        String source, List<String> path, @Nullable String defaultValue, String text) {

    public TemplateRef {
        path = List.copyOf(path);
    }

    /** {@code source.a.b} without braces or default, for messages. */
    public String name() {
        return path.isEmpty() ? source : source + "." + String.join(".", path);
    }
}

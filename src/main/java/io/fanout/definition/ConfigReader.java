package io.fanout.definition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML or JSON into the generic tree the binder reads (maps in key order, lists, strings, numbers, booleans,
 * null), without binding it, so that documents can be stored and edited as written.
 *
 * <p>YAML is read as YAML 1.2 (core schema): a bare {@code on} stays the string "on", so {@code retry.on} works.
 * JSON is read by the same loader, since JSON is YAML 1.2. {@code ${NAME}} placeholders are kept as written.
 */
public final class ConfigReader {

    /**
     * Deepest nesting of mappings and lists a config may have. Real configs stay under ten levels (a request body
     * template adds a few); the loader builds the tree recursively, so an admin's {@code [[[[...} of a megabyte would
     * otherwise end in a {@link StackOverflowError} instead of a located 400.
     */
    public static final int MAX_DEPTH = 64;

    private ConfigReader() {}

    /**
     * Reads YAML (or JSON) text; an empty document is null.
     *
     * @throws InvalidConfigException for a syntax error (with line and column)
     */
    public static @Nullable Object read(String text) {
        return read(text, "YAML", "config");
    }

    /**
     * Reads a file: JSON when its name ends in {@code .json}, YAML otherwise.
     *
     * @throws InvalidConfigException for a syntax error
     * @throws UncheckedIOException   when the file cannot be read
     */
    public static @Nullable Object read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Path fileName = file.getFileName();
        String name = fileName == null ? file.toString() : fileName.toString();
        return read(text, name.toLowerCase(Locale.ROOT).endsWith(".json") ? "JSON" : "YAML", name);
    }

    /** Marks count from 0; editors from 1. */
    private static String position(Mark mark) {
        return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static @Nullable Object read(String text, String format, String label) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .build();
        try {
            checkDepth(settings, text, format);
            Object tree = new Load(settings).loadFromString(text);
            if (expandedSize(tree, 8L * text.length() + 65_536) < 0) {
                // aliases share one object in the tree, but storing, binding or answering it expands every one
                throw new InvalidConfigException(List.of(new ConfigProblem(
                        "", "invalid " + format + ": its aliases expand to more than eight times the text", null)));
            }
            return tree;
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(ConfigReader::position)
                    .orElse("");
            String context = e.getContext() == null || e.getContext().isEmpty()
                    ? null
                    : e.getContext()
                            + e.getContextMark().map(ConfigReader::position).orElse("");
            throw new InvalidConfigException(
                    List.of(new ConfigProblem("", "invalid " + format + where + ": " + e.getProblem(), context)));
        } catch (YamlEngineException e) {
            throw new InvalidConfigException(
                    List.of(new ConfigProblem("", "invalid " + format + ": " + e.getMessage(), null)));
        }
    }

    /** Counts nesting on the parser's events (the parser keeps its own stack; only the composer recurses). */
    private static void checkDepth(LoadSettings settings, String text, String format) {
        int depth = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            switch (event.getEventId()) {
                case MappingStart, SequenceStart -> {
                    if (++depth > MAX_DEPTH) {
                        String where =
                                event.getStartMark().map(ConfigReader::position).orElse("");
                        throw new InvalidConfigException(List.of(new ConfigProblem(
                                "",
                                "invalid " + format + where + ": nested deeper than " + MAX_DEPTH + " levels",
                                null)));
                    }
                }
                case MappingEnd, SequenceEnd -> depth--;
                default -> {}
            }
        }
    }

    /** The budget left after the tree as written out with every alias expanded; negative once it is used up. */
    private static long expandedSize(@Nullable Object node, long budget) {
        long left = budget - 8;
        if (left < 0) {
            return left;
        }
        if (node instanceof java.util.Map<?, ?> map) {
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                left = expandedSize(e.getValue(), expandedSize(e.getKey(), left));
                if (left < 0) {
                    return left;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object item : list) {
                left = expandedSize(item, left);
                if (left < 0) {
                    return left;
                }
            }
        } else if (node instanceof String text) {
            left -= text.length();
        }
        return left;
    }
}

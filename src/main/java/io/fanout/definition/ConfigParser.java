package io.fanout.definition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a Fanout configuration from YAML, JSON or an already-loaded document tree into a validated
 * {@link ConfigDefinition}, reporting every problem at once as an {@link InvalidConfigException}; and writes one back.
 *
 * <p>YAML is read as YAML 1.2 (core schema): a bare {@code on} stays the string "on", so {@code retry.on} works.
 * JSON is read by the same loader, since JSON is YAML 1.2. {@code ${NAME}} placeholders are kept as written.
 */
public final class ConfigParser {

    private ConfigParser() {
    }

    /**
     * Binds a generic document tree (maps, lists, strings, numbers, booleans, null), as a YAML or JSON loader
     * produces it, and checks it.
     *
     * @throws InvalidConfigException listing every problem found
     */
    public static ConfigDefinition parse(Map<String, ?> document) {
        return ConfigBinder.bind(document);
    }

    /**
     * Parses YAML (or JSON) text; an empty document is the empty configuration.
     *
     * @throws InvalidConfigException for a syntax error (with line and column) or any validation problem
     */
    public static ConfigDefinition parseYaml(String text) {
        return ConfigBinder.bind(read(text, "YAML", "config"));
    }

    /**
     * Reads a configuration file: JSON when its name ends in {@code .json}, YAML otherwise.
     *
     * @throws InvalidConfigException  for a syntax error or any validation problem
     * @throws UncheckedIOException    when the file cannot be read
     */
    public static ConfigDefinition load(Path file) {
        return ConfigBinder.bind(readTreeFile(file));
    }

    /**
     * A best-effort binding and every problem found. {@code definition} holds what could be bound, so that later
     * checks (references, cycles) can still run and one round reports all problems; it must not be applied when
     * {@code problems} is non-empty.
     */
    public record Bound(ConfigDefinition definition, List<ConfigProblem> problems) {
        public Bound {
            problems = List.copyOf(problems);
        }
    }

    /** Binds a document without throwing for its content problems. */
    public static Bound bind(Map<String, ?> document) {
        return ConfigBinder.bindLenient(document);
    }

    /** Reads and binds YAML (or JSON) text; throws only for a syntax error. */
    public static Bound bindYaml(String text) {
        return ConfigBinder.bindLenient(read(text, "YAML", "config"));
    }

    /** Reads and binds a file (JSON for {@code .json}, else YAML); throws only for syntax or I/O errors. */
    public static Bound bindFile(Path file) {
        return ConfigBinder.bindLenient(readTreeFile(file));
    }

    /**
     * Reads YAML (or JSON) text into the generic tree the binder reads (maps in key order, lists, strings, numbers,
     * booleans, null) without binding it, for callers that store or edit documents as written.
     *
     * @throws InvalidConfigException for a syntax error (with line and column)
     */
    public static @Nullable Object readTree(String text) {
        return read(text, "YAML", "config");
    }

    /** {@link #readTree(String)} of a file (JSON for {@code .json}, else YAML); throws for syntax or I/O errors. */
    public static @Nullable Object readTreeFile(Path file) {
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

    /** Binds a generic tree of any shape (a non-map document is one problem), as {@link #bind(Map)}. */
    public static Bound bindTree(@Nullable Object document) {
        return ConfigBinder.bindLenient(document);
    }

    /**
     * The generic tree of a configuration (maps, lists, strings, numbers, booleans), in the notation an author
     * writes and without keys that hold their default, such that {@code parse(toDocument(c)).equals(c)}.
     */
    public static Map<String, Object> toDocument(ConfigDefinition config) {
        return ConfigWriter.document(config);
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
            return new Load(settings).loadFromString(text);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().or(e::getContextMark).map(ConfigParser::position).orElse("");
            String context = e.getContext() == null || e.getContext().isEmpty() ? null
                    : e.getContext() + e.getContextMark().map(ConfigParser::position).orElse("");
            throw new InvalidConfigException(List.of(new ConfigProblem("",
                    "invalid " + format + where + ": " + e.getProblem(), context)));
        } catch (YamlEngineException e) {
            throw new InvalidConfigException(List.of(new ConfigProblem("",
                    "invalid " + format + ": " + e.getMessage(), null)));
        }
    }
}

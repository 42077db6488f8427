package io.fanout.definition;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One key of a config section, as declared in its section's key table ({@link Keys}): the binder accepts exactly
 * these keys and reads each with its notation, and a schema generator walks the same tables ({@link ConfigSection}).
 */
public interface ConfigKey {

    /** The default text of a key that must be given. */
    String REQUIRED = "required";

    /** The key's declaration. */
    Spec spec();

    /** The key as written, e.g. {@code connect-timeout}. */
    default String key() {
        return spec().key();
    }

    default Notation notation() {
        return spec().notation();
    }

    /** The default as written ({@code 500ms}), {@link #REQUIRED}, or null when absent means "off" or "none". */
    default @Nullable String defaultValue() {
        return spec().defaultValue();
    }

    /** The smallest allowed value as written ({@code 1ms}, {@code 1}), or null when the notation's range is. */
    default @Nullable String minimum() {
        return spec().minimum();
    }

    /** The allowed values of a {@link Notation#CHOICE}; empty otherwise. */
    default List<String> choices() {
        return spec().choices();
    }

    /** One line for a newcomer: what the key does. */
    default String doc() {
        return spec().doc();
    }

    /**
     * A key's declaration.
     *
     * @param key          as written
     * @param notation     how its value is written
     * @param defaultValue default as written, {@link #REQUIRED}, or null
     * @param minimum      smallest value as written, or null
     * @param choices      allowed values of a choice
     * @param doc          one line of documentation
     */
    record Spec(
            String key,
            Notation notation,
            @Nullable String defaultValue,
            @Nullable String minimum,
            List<String> choices,
            String doc) {

        public Spec {
            choices = List.copyOf(choices);
        }

        static Spec of(String key, Notation notation, @Nullable String defaultValue, String doc) {
            return new Spec(key, notation, defaultValue, null, List.of(), doc);
        }

        static Spec min(String key, Notation notation, @Nullable String defaultValue, String minimum, String doc) {
            return new Spec(key, notation, defaultValue, minimum, List.of(), doc);
        }

        static Spec choice(String key, String defaultValue, List<String> choices, String doc) {
            return new Spec(key, Notation.CHOICE, defaultValue, null, choices, doc);
        }
    }
}

package io.fanout.tooling;

import io.fanout.definition.ConfigKey;
import io.fanout.definition.ConfigSection;
import io.fanout.definition.Keys;
import io.fanout.definition.Notation;
import io.fanout.json.JsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The config's JSON Schema (draft 2020-12), generated from the key tables the binder reads ({@link ConfigSection},
 * {@link io.fanout.definition.Keys}): every section is an object with exactly its table's keys, nested where its
 * location says ({@code upstreams.<name>.retry} under {@code retry} of {@code upstreams.<name>}). A key added to a
 * table appears here without further work; a notation without a schema here fails {@code ConfigSchemaTests}.
 *
 * <p>The schema checks shape only (keys, types, value notations); what values mean (references, templates, routes)
 * stays with {@code fanout check}, which reports it with locations.
 */
public final class ConfigSchema {

    /** Where the schema is served; also its {@code $id} relative to an instance. */
    public static final String PATH = "/admin/config/schema";

    /** The committed copy under {@code docs/}, which the examples name for editor completion. */
    public static final String FILE = "fanout-config.schema.json";

    /** Marks a key whose notation has no schema yet. */
    static final String UNMAPPED = "no JSON Schema for notation ";

    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
    private static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]*$";
    private static final String CALL_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_-]*$";
    private static final String HEADER_NAME_PATTERN = "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$";

    private static final String JSON = render();

    private ConfigSchema() {}

    /** The schema as pretty-printed JSON text (computed once; the tables are constants). */
    public static String json() {
        return JSON;
    }

    /** The schema as a map tree. */
    public static Map<String, Object> tree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", DRAFT);
        root.put("$id", "https://fanout.dev/schemas/config.json");
        root.put("title", "Fanout configuration");
        root.put(
                "description",
                "Upstreams and composite endpoints (SPEC §1). Generated from the binder's key"
                        + " tables; `fanout check` also checks what values mean.");
        root.putAll(object(ConfigSection.DOCUMENT));
        return root;
    }

    private static String render() {
        return JsonCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree());
    }

    /** An object with exactly the section's keys. */
    static Map<String, Object> object(ConfigSection section) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (ConfigKey key : section.keys()) {
            properties.put(key.key(), property(section, key));
            if (ConfigKey.REQUIRED.equals(key.defaultValue())) {
                required.add(key.key());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /** The section nested under {@code key} of {@code parent} ({@code upstreams.<name>.retry}), or null. */
    static @Nullable ConfigSection child(ConfigSection parent, ConfigKey key) {
        String prefix = parent.location().isEmpty() ? key.key() : parent.location() + "." + key.key();
        for (ConfigSection s : ConfigSection.values()) {
            String rest = s.location().startsWith(prefix) ? s.location().substring(prefix.length()) : null;
            if (rest != null && (rest.isEmpty() || rest.matches("\\.<[a-z-]+>"))) {
                return s;
            }
        }
        return null;
    }

    private static Map<String, Object> property(ConfigSection section, ConfigKey key) {
        Map<String, Object> schema = new LinkedHashMap<>(valueSchema(section, key));
        schema.put("description", key.doc() + defaultText(key));
        return schema;
    }

    private static String defaultText(ConfigKey key) {
        String d = key.defaultValue();
        return d == null || ConfigKey.REQUIRED.equals(d) ? "" : " Default: " + d + ".";
    }

    private static Map<String, Object> valueSchema(ConfigSection section, ConfigKey key) {
        ConfigSection child = child(section, key);
        Notation notation = key.notation();
        if (child != null && notation != Notation.POLICY && notation != Notation.NAMED_SECTIONS) {
            // a key with a section of its own under it (its location says so): that section's object
            return object(child);
        }
        return switch (notation) {
            case STRING, TEMPLATE -> ordered("type", "string");
            case BOOLEAN -> ordered("type", "boolean");
            case WHOLE_NUMBER -> wholeNumber(key);
            case DURATION -> notationString("^[0-9]+(ms|s|m|h)$", "a duration: 250ms, 2s, 5m, 1h");
            case SIZE -> notationString("^[0-9]+(B|KB|MB|GB)$", "a size: 512KB, 2MB");
            case RATE -> notationString("^[0-9]+/(s|m|h)$", "a rate: 500/s, 30/m");
            case RATIO -> notationString("^[0-9]+(\\.[0-9]+)?%$", "a percentage: 20%");
            case CHOICE -> choice(key);
            case JSON_POINTER -> ordered("type", "string", "pattern", "^(/([^~/]|~[01])*)*$");
            case JSON -> ordered();
            case HEADER_MAP ->
                ordered(
                        "type",
                        "object",
                        "propertyNames",
                        ordered("pattern", HEADER_NAME_PATTERN),
                        "additionalProperties",
                        ordered("type", List.of("string", "integer", "boolean")));
            case HEADER_LIST ->
                ordered("type", "array", "items", ordered("type", "string", "pattern", HEADER_NAME_PATTERN));
            case RETRY_CONDITIONS ->
                ordered(
                        "type",
                        "array",
                        "items",
                        ordered(
                                "anyOf",
                                List.of(
                                        ordered("enum", List.of("connect-error", "timeout")),
                                        ordered("type", "integer", "minimum", 100, "maximum", 599),
                                        ordered("type", "string", "pattern", "^[0-9]{3}$"))));
            case QUERY ->
                ordered(
                        "anyOf",
                        List.of(
                                ordered(
                                        "type",
                                        "object",
                                        "additionalProperties",
                                        ordered("type", List.of("string", "integer", "boolean"))),
                                ordered("type", "string", "description", "SQL of a jdbc call")));
            case POLICY ->
                child == null
                        ? ordered("type", List.of("boolean", "object"))
                        : ordered("anyOf", List.of(ordered("type", "boolean"), object(child)));
            // clients.plans: named plans next to its own key (plan-claim)
            case NAMED_SECTIONS ->
                child == ConfigSection.PLANS ? plans() : named(key, child, section == ConfigSection.DOCUMENT);
            case STRING_LIST ->
                ordered("type", "array", "items", ordered("type", "string", "pattern", "^\\S+$"), "uniqueItems", true);
            // a notation added later: accepted as anything (start-up must not fail on it); ConfigSchemaTests names it
            default -> ordered("$comment", UNMAPPED + notation);
        };
    }

    /** A map that keeps the order written ({@code Map.of} iterates in an order that changes from run to run). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> wholeNumber(ConfigKey key) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "integer");
        if (key.minimum() != null) {
            schema.put("minimum", Long.parseLong(key.minimum()));
        }
        return schema;
    }

    private static Map<String, Object> notationString(String pattern, String description) {
        return ordered("type", "string", "pattern", pattern, "$comment", description);
    }

    /** Choices are case-insensitive for the binder; the schema offers them as written (and lower/upper case). */
    private static Map<String, Object> choice(ConfigKey key) {
        List<String> values = new ArrayList<>();
        for (String c : key.choices()) {
            values.add(c);
            for (String variant : List.of(c.toLowerCase(java.util.Locale.ROOT), c.toUpperCase(java.util.Locale.ROOT))) {
                if (!values.contains(variant)) {
                    values.add(variant);
                }
            }
        }
        return ordered("type", "string", "enum", values);
    }

    /** {@code clients.plans}: {@code plan-claim}, and any other key a plan of its own (SPEC §8). */
    private static Map<String, Object> plans() {
        Map<String, Object> schema = object(ConfigSection.PLANS);
        schema.put("additionalProperties", object(ConfigSection.PLAN));
        return schema;
    }

    /** A map of author-chosen names, each an object of the child section (or anything when none is declared). */
    private static Map<String, Object> named(ConfigKey key, @Nullable ConfigSection child, boolean topLevel) {
        Map<String, Object> schema = new LinkedHashMap<>();
        // `upstreams:` with nothing under it is as good as absent; `calls:` must be a map
        schema.put("type", topLevel ? List.of("object", "null") : "object");
        boolean call = key == Keys.Endpoint.CALLS;
        schema.put("propertyNames", ordered("pattern", call ? CALL_NAME_PATTERN : NAME_PATTERN));
        schema.put("additionalProperties", child == null ? ordered() : object(child));
        return schema;
    }
}

package io.fanout.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fanout.definition.ConfigBinder;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.ConfigReader;
import io.fanout.definition.ConfigSection;
import io.fanout.json.JsonCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The JSON Schema and the binder agree on every key of every section, walked from both sides, and every example and
 * test config is valid against the schema (checked with networknt's draft 2020-12 validator, not with the generator).
 */
class ConfigSchemaTests {

    private static final String UNKNOWN = "zz-not-a-key";
    private static final SchemaRegistry REGISTRY =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @Test
    void shouldDescribeExactlyTheKeysTheBinderAcceptsInEverySection() {
        JsonNode root = JsonCodec.MAPPER.readTree(ConfigSchema.json());
        List<String> walked = new ArrayList<>();

        for (ConfigSection section : ConfigSection.values()) {
            JsonNode object = objectAt(root, section.location());
            Schema schema = REGISTRY.getSchema(withDialect(object));
            List<String> schemaKeys = new ArrayList<>(object.get("properties").propertyNames());

            assertThat(schemaKeys).as(section.location()).containsExactlyElementsOf(section.names());
            // clients.plans (SPEC §8) is the one section whose other keys are names: each a plan of its own
            boolean named = section == ConfigSection.PLANS;
            assertThat(
                            named
                                    ? object.get("additionalProperties").isObject()
                                    : !object.get("additionalProperties").asBoolean(true))
                    .as(section.location())
                    .isTrue();
            for (String key : schemaKeys) {
                assertThat(unknownKeyProblems(section, key))
                        .as("binder on " + section.location() + "." + key)
                        .isEmpty();
                assertThat(schema.validate(JsonCodec.MAPPER.readTree("{\"" + key + "\": null}")))
                        .as("schema on " + section.location() + "." + key)
                        .noneMatch(e -> e.getKeyword().equals("additionalProperties"));
                walked.add(section.location() + "." + key);
            }
            assertThat(unknownKeyProblems(section, UNKNOWN))
                    .as("binder on " + section.location())
                    .hasSize(named ? 0 : 1);
            assertThat(schema.validate(JsonCodec.MAPPER.readTree("{\"" + UNKNOWN + "\": 1}")))
                    .as("schema on " + section.location())
                    .anyMatch(e -> e.getKeyword().equals(named ? "type" : "additionalProperties"));
        }

        assertThat(walked)
                .hasSize(Stream.of(ConfigSection.values())
                        .mapToInt(s -> s.keys().size())
                        .sum());
    }

    @Test
    void shouldAcceptEveryExampleAndTestConfig() throws IOException {
        Schema schema = REGISTRY.getSchema(ConfigSchema.json());
        List<Path> configs = new ArrayList<>();
        try (Stream<Path> examples = Files.list(Path.of("examples"));
                Stream<Path> resources = Files.walk(Path.of("src/test/resources"))) {
            // Spring's own application*.yml are not Fanout configs
            Stream.concat(examples, resources)
                    .filter(p -> p.toString().matches(".*\\.ya?ml"))
                    .filter(p -> !p.getFileName().toString().startsWith("application"))
                    .forEach(configs::add);
        }
        configs.add(Path.of("deploy/k8s/base/fanout.yaml"));

        assertThat(configs).hasSizeGreaterThanOrEqualTo(4);
        for (Path config : configs) {
            JsonNode document = JsonCodec.MAPPER.valueToTree(ConfigReader.read(config));
            List<Error> errors = schema.validate(document);
            assertThat(errors).as(config.toString()).isEmpty();
        }
    }

    @Test
    void shouldHaveASchemaForTheNotationOfEveryKey() {
        assertThat(ConfigSchema.json())
                .as("add the notation to ConfigSchema.valueSchema")
                .doesNotContain(ConfigSchema.UNMAPPED);
    }

    @Test
    void shouldKeepTheCommittedSchemaFileEqualToTheGeneratedOne() throws IOException {
        String committed = Files.readString(Path.of("docs", ConfigSchema.FILE));

        assertThat(committed.strip())
                .as("regenerate: java -jar target/fanout-*.jar schema > docs/" + ConfigSchema.FILE)
                .isEqualTo(ConfigSchema.json().strip());
    }

    @Test
    void shouldPointEveryExampleAtTheSchemaOnItsFirstLine() throws IOException {
        try (Stream<Path> examples = Files.list(Path.of("examples"))) {
            for (Path example : Stream.concat(
                            examples.filter(p -> p.toString().endsWith(".yaml")),
                            Stream.of(Path.of("deploy/k8s/base/fanout.yaml")))
                    .toList()) {
                String first = Files.readAllLines(example).get(0);

                assertThat(first)
                        .as(example.toString())
                        .startsWith("# yaml-language-server: $schema=")
                        .endsWith(ConfigSchema.FILE);
            }
        }
    }

    @Test
    void shouldRefuseValuesTheBinderRefusesForTheirNotation() {
        Schema schema = REGISTRY.getSchema(ConfigSchema.json());

        List<Error> errors = schema.validate(JsonCodec.MAPPER.readTree("""
                {"upstreams": {"users": {"url": "http://h:1", "timeout": 500, "retry": {"budget": "20"},
                  "bulkhead": {"max-concurrent": 0}}},
                 "endpoints": {"e": {"path": "/e", "method": "FETCH", "calls": {"a": {"upstream": "users"}}}}}
                """));

        assertThat(errors)
                .extracting(e -> e.getInstanceLocation().toString())
                .contains(
                        "/upstreams/users/timeout",
                        "/upstreams/users/retry/budget",
                        "/upstreams/users/bulkhead/max-concurrent",
                        "/endpoints/e/method");
    }

    /** The binder's "unknown key" problems for {@code key} placed in {@code section}. */
    private static List<ConfigProblem> unknownKeyProblems(ConfigSection section, String key) {
        Map<String, Object> leaf = new LinkedHashMap<>();
        leaf.put(key, "x");
        Object document = leaf;
        String[] segments = section.location().isEmpty()
                ? new String[0]
                : section.location().split("\\.");
        StringBuilder at = new StringBuilder();
        for (String segment : segments) {
            at.append(at.length() == 0 ? "" : ".").append(segment.startsWith("<") ? "n" : segment);
        }
        for (int i = segments.length - 1; i >= 0; i--) {
            Map<String, Object> parent = new LinkedHashMap<>();
            parent.put(segments[i].startsWith("<") ? "n" : segments[i], document);
            document = parent;
        }
        String location = (at.length() == 0 ? "" : at + ".") + key;
        return ConfigBinder.bind(document).problems().stream()
                .filter(p -> p.location().equals(location) && p.message().startsWith("unknown key"))
                .toList();
    }

    /** Follows a section location through the schema: names go through properties, {@code <name>} through maps. */
    private static JsonNode objectAt(JsonNode root, String location) {
        JsonNode node = root;
        if (!location.isEmpty()) {
            for (String segment : location.split("\\.")) {
                node = segment.startsWith("<")
                        ? object(node).get("additionalProperties")
                        : object(node).get("properties").get(segment);
                assertThat(node).as(location + " at " + segment).isNotNull();
            }
        }
        return object(node);
    }

    /** The object alternative of a value that may also be written as {@code true}/{@code false}. */
    private static JsonNode object(JsonNode node) {
        if (node.has("anyOf")) {
            for (JsonNode alternative : node.get("anyOf")) {
                if (alternative.has("properties")) {
                    return alternative;
                }
            }
        }
        return node;
    }

    private static JsonNode withDialect(JsonNode object) {
        var copy = object.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy).put("$schema", ConfigSchema.DRAFT);
        return copy;
    }
}

package io.fanout.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The key tables are what the binder reads: every documented default is the value the binder applies when the key
 * is left out, and every section's table lists each key once.
 */
class KeyTablesTests {

    /** Defaults that describe a computed value rather than a value one could write. */
    private static final Set<String> DESCRIBED = Set.of("one second's worth", "the upstream's", "by method");

    /** A valid document per section, with {@code KEY: VALUE} placed inside the section. */
    private static final Map<ConfigSection, String> DOCUMENTS = documents(
            ConfigSection.UPSTREAM,
            "upstreams: { u: { url: 'http://h:1', KEY: VALUE } }",
            ConfigSection.BULKHEAD,
            "upstreams: { u: { url: 'http://h:1', bulkhead: { max-concurrent: 1, KEY: VALUE } } }",
            ConfigSection.RATE_LIMIT,
            "upstreams: { u: { url: 'http://h:1', rate-limit: { rate: 5/s, KEY: VALUE } } }",
            ConfigSection.RETRY,
            "upstreams: { u: { url: 'http://h:1', retry: { KEY: VALUE } } }",
            ConfigSection.CIRCUIT_BREAKER,
            "upstreams: { u: { url: 'http://h:1', circuit-breaker: { KEY: VALUE } } }",
            ConfigSection.HEDGE,
            "upstreams: { u: { url: 'http://h:1', hedge: { after: 5ms, KEY: VALUE } } }",
            ConfigSection.CACHE,
            "upstreams: { u: { url: 'http://h:1', cache: { KEY: VALUE } } }",
            ConfigSection.ENDPOINT,
            "endpoints: { e: { path: /e, calls: { a: { upstream: u, path: /a } }, KEY: VALUE } }",
            ConfigSection.CALL,
            "endpoints: { e: { path: /e, calls: { a: { upstream: u, path: /a, for-each: b.c," + " KEY: VALUE } } } }",
            ConfigSection.CLIENTS,
            "clients: { KEY: VALUE }",
            ConfigSection.JWT,
            "clients: { jwt: { issuer: i, jwks-uri: 'http://h/j', audiences: [a], KEY: VALUE } }",
            ConfigSection.API_KEYS,
            "clients: { api-keys: { keys: {}, KEY: VALUE } }",
            ConfigSection.API_KEY,
            "clients: { api-keys: { keys: { k: { sha256: " + "ab".repeat(32) + ", KEY: VALUE } } } }",
            ConfigSection.PLANS,
            "clients: { plans: { KEY: VALUE } }",
            ConfigSection.PLAN,
            "clients: { plans: { p: { rate: 5/s, KEY: VALUE } } }");

    private static Map<ConfigSection, String> documents(Object... pairs) {
        Map<ConfigSection, String> m = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((ConfigSection) pairs[i], (String) pairs[i + 1]);
        }
        return m;
    }
    /** Keys whose section needs another kind to accept them. */
    private static final String JDBC_UPSTREAM = "upstreams: { u: { kind: jdbc, url: 'jdbc:x', KEY: VALUE } }";

    @Test
    void shouldApplyEveryDocumentedDefaultWhenTheKeyIsLeftOut() {
        List<String> checked = new ArrayList<>();
        for (ConfigSection section : ConfigSection.values()) {
            for (ConfigKey key : section.keys()) {
                String value = key.defaultValue();
                if (value == null
                        || value.equals(ConfigKey.REQUIRED)
                        || DESCRIBED.contains(value)
                        || section == ConfigSection.DOCUMENT) {
                    continue;
                }
                String document = key.key().equals("pool-size") ? JDBC_UPSTREAM : DOCUMENTS.get(section);
                ConfigDefinition without = TestConfigs.parseYaml(
                        document.replace(", KEY: VALUE", "").replace("{ KEY: VALUE }", "{}"));

                ConfigDefinition with =
                        TestConfigs.parseYaml(document.replace("KEY", key.key()).replace("VALUE", value));

                assertThat(with).as(section + "." + key.key() + ": " + value).isEqualTo(without);
                checked.add(key.key());
            }
        }
        assertThat(checked).hasSizeGreaterThan(30);
    }

    @Test
    void shouldListEachKeyOncePerSection() {
        for (ConfigSection section : ConfigSection.values()) {
            assertThat(section.names())
                    .as(section.name())
                    .doesNotHaveDuplicates()
                    .isNotEmpty();
            section.keys()
                    .forEach(k -> assertThat(k.doc()).as(k.key()).isNotBlank().doesNotContain("\n"));
        }
    }
}

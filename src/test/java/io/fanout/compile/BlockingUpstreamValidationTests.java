package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.ConfigWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Load-time rules of {@code kind: jdbc} queries and {@code kind: java} classes: nothing is ever connected. */
class BlockingUpstreamValidationTests {

    private static final String DB = """
            upstreams:
              db: { kind: jdbc, url: "jdbc:postgresql://127.0.0.1:1/legacy", pool-size: 4 }
            endpoints:
              e:
                path: /e/{id}
                calls:
                  a:
                    upstream: db
            """;

    private final ConfigPipeline compiler = TestConfigs.pipeline(name -> null);

    private List<ConfigProblem> problems(String yaml) {
        return compiler.validate(ConfigPipeline.read(yaml)).problems();
    }

    private List<ConfigProblem> queryProblems(String sql) {
        return problems(DB + "        query: \"" + sql + "\"\n");
    }

    @Test
    void shouldAcceptASelectAndAWithSelectWhoseTemplatesAreKnown() {
        assertThat(queryProblems("select * from t where id = {path.id} and x = {query.x|1}"))
                .isEmpty();
        assertThat(queryProblems("with r as (select 1 as n) select n from r where n = {header.x-n}"))
                .isEmpty();
        assertThat(queryProblems("select '{1,2}'::int[] as a, data ? 'key' from t"))
                .isEmpty();
    }

    @Test
    void shouldRejectStatementsThatWrite() {
        assertThat(queryProblems("delete from t where id = {path.id}"))
                .extracting(ConfigProblem::location)
                .containsExactly("endpoints.e.calls.a.query");
        assertThat(queryProblems("with d as (delete from t returning *) select * from d"))
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(tuple(
                        "endpoints.e.calls.a.query", "only reading queries are allowed, but it contains 'delete'"));
        assertThat(queryProblems("select * into copy_of_t from t")).hasSize(1);
        assertThat(queryProblems("select * from t for update")).hasSize(1);
    }

    @Test
    void shouldRejectUnknownTemplateSources() {
        List<ConfigProblem> problems = queryProblems("select * from t where id = {paht.id}");

        assertThat(problems).extracting(ConfigProblem::location).containsExactly("endpoints.e.calls.a.query");
        assertThat(problems.get(0).message()).startsWith("unknown call 'paht'");
    }

    @Test
    void shouldRejectATemplateInsideQuotesBecauseItWouldNotBeBound() {
        List<ConfigProblem> problems = queryProblems("select * from t where name like '%{query.q}%'");

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).contains("inside quotes").contains("'%' || {query.q} || '%'");
    }

    @Test
    void shouldRejectABulkheadWiderThanThePool() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  db:
                    kind: jdbc
                    url: "jdbc:postgresql://127.0.0.1:1/legacy"
                    pool-size: 4
                    bulkhead: { max-concurrent: 10 }
                endpoints: {}
                """);

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(tuple(
                        "upstreams.db.bulkhead",
                        "max-concurrent of a jdbc upstream cannot exceed its pool-size (4) but" + " was 10"));
    }

    @Test
    void shouldRejectAJavaUpstreamWhoseClassIsMissingOrNotASource() {
        List<ConfigProblem> problems = problems("""
                upstreams:
                  missing: { kind: java, class: com.example.Nope }
                  wrong: { kind: java, class: java.lang.String }
                  fine: { kind: java, class: io.fanout.examples.InventorySource }
                  noclass: { kind: java }
                endpoints: {}
                """);

        assertThat(problems)
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactlyInAnyOrder(
                        tuple("upstreams.missing.class", "class 'com.example.Nope' is not on the classpath"),
                        tuple(
                                "upstreams.wrong.class",
                                "class 'java.lang.String' does not implement "
                                        + "io.fanout.upstream.blocking.BlockingSource"),
                        tuple("upstreams.noclass.class", "required key 'class' is missing"));
    }

    @Test
    void shouldRoundTripBlockingUpstreamsThroughTheDocumentWriter() {
        ConfigDefinition config = TestConfigs.parseYaml("""
                upstreams:
                  db: { kind: jdbc, url: "${LEGACY_URL}", username: "${U}", password: "${P}", pool-size: 3 }
                  inventory: { kind: java, class: io.fanout.examples.InventorySource, pool-size: 2, timeout: 300ms }
                endpoints:
                  e:
                    path: /e/{id}
                    calls:
                      a: { upstream: db, query: "select 1 where 1 = {path.id}", single: true }
                      b: { upstream: inventory, path: "/items/{path.id}" }
                """);

        Map<String, Object> document = ConfigWriter.document(config);

        assertThat(TestConfigs.parse(document)).isEqualTo(config);
        @SuppressWarnings("unchecked")
        Map<String, Object> inventory = (Map<String, Object>) ((Map<?, ?>) document.get("upstreams")).get("inventory");
        assertThat(inventory)
                .containsEntry("class", "io.fanout.examples.InventorySource")
                .doesNotContainKey("url");
    }
}

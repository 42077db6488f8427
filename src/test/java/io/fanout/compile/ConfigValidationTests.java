package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fanout.FanoutApplication;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;

/**
 * The compiler's validation rules (SPEC §1): references between calls, template sources, path variables, cycles and
 * environment variables, each reported with its location, all of a document's problems at once. Syntax rules are
 * tested in {@code io.fanout.definition}.
 */
class ConfigValidationTests {

    private static final String UPSTREAMS = """
            upstreams:
              users: { url: "http://127.0.0.1:1" }
              orders: { url: "http://127.0.0.1:1" }
            """;

    private final ConfigPipeline compiler = TestConfigs.pipeline(name -> null);

    /** The problems of a document, whether the parser (names, syntax) or the compiler (references) finds them. */
    private List<ConfigProblem> problems(String yaml) {
        return compiler.validate(ConfigPipeline.read(yaml)).problems();
    }

    private ConfigProblem problem(String yaml) {
        List<ConfigProblem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void shouldRejectAReferenceToAnUnknownCallNamingTheKnownOnes() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  user-overview:
                    path: /v1/users/{id}/overview
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                      orders: { upstream: orders, path: /orders }
                      company: { upstream: users, path: "/companies/{usr.companyId}" }
                """);

        assertThat(p.location()).isEqualTo("endpoints.user-overview.calls.company.path");
        assertThat(p.message()).startsWith("unknown call 'usr' (known: user, orders");
        assertThat(p.toString())
                .startsWith("endpoints.user-overview.calls.company.path: unknown call 'usr' (known: user, orders");
    }

    @Test
    void shouldRejectAnUnknownTemplateSourceWithAHintListingTheSources() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: /a, query: { limit: "{querry.limit}" } }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls.a.query.limit");
        assertThat(p.message()).contains("'querry'");
        assertThat(p.hint()).contains("path", "query", "header", "body", "item");
    }

    @Test
    void shouldRejectAPathVariableThatIsNotInTheEndpointPath() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /users/{id}
                    calls:
                      a: { upstream: users, path: "/users/{path.userId}" }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls.a.path");
        assertThat(p.message()).contains("'userId'").contains("known: id");
    }

    @Test
    void shouldRejectItemOutsideForEach() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: "/products/{item.productId}" }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls.a.path");
        assertThat(p.message()).contains("{item.productId}").contains("for-each");
    }

    @Test
    void shouldRejectACycleBetweenTwoCalls() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: "/a/{b.id}" }
                      b: { upstream: users, path: "/b/{a.id}" }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls");
        assertThat(p.message()).isEqualTo("cycle between calls: a -> b -> a");
    }

    @Test
    void shouldRejectACycleBetweenThreeCallsNamingEachOfThem() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      start: { upstream: users, path: /start }
                      a: { upstream: users, path: "/a/{c.id}", query: { s: "{start.x}" } }
                      b: { upstream: users, path: "/b/{a.id}" }
                      c: { upstream: orders, path: /c, headers: { X-B: "{b.id}" } }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls");
        assertThat(p.message())
                .startsWith("cycle between calls: ")
                .contains("a", "b", "c")
                .doesNotContain("start");
        String[] names = p.message().substring("cycle between calls: ".length()).split(" -> ");
        assertThat(names).hasSize(4);
        assertThat(names[0]).isEqualTo(names[3]);
        assertThat(List.of(names[0], names[1], names[2])).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void shouldRejectACallThatReferencesItself() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: "/a/{a.next}" }
                """);

        assertThat(p.message()).isEqualTo("cycle between calls: a -> a");
    }

    @Test
    void shouldRejectForEachOverAnUnknownCall() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      orders: { upstream: orders, path: /orders }
                      products: { upstream: users, for-each: ordrs.items, path: "/p/{item.id}" }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls.products.for-each");
        assertThat(p.message()).startsWith("unknown call 'ordrs' (known: orders, products)");
    }

    @Test
    void shouldRejectAnUnsetEnvironmentVariableInUpstreamHeaders() {
        String yaml = """
                upstreams:
                  users:
                    url: "http://127.0.0.1:1"
                    headers: { Authorization: "Bearer ${USERS_TOKEN}" }
                """;

        ConfigProblem p = problem(yaml);
        List<ConfigProblem> withToken = TestConfigs.pipeline(
                        name -> Map.of("USERS_TOKEN", "t0k3n").get(name))
                .validate(ConfigPipeline.read(yaml))
                .problems();

        assertThat(p.location()).isEqualTo("upstreams.users.headers.Authorization");
        assertThat(p.message()).contains("USERS_TOKEN").contains("not set");
        assertThat(p.message())
                .as("the problem names the variable, not a value")
                .doesNotContain("Bearer");
        assertThat(withToken).isEmpty();
    }

    @Test
    void shouldRejectACallNamedLikeATemplateSource() {
        List<ConfigProblem> problems = problems(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      path: { upstream: users, path: /p }
                """);

        assertThat(problems).extracting(ConfigProblem::location).contains("endpoints.e.calls.path");
        assertThat(problems)
                .anySatisfy(p -> assertThat(p.toString()).contains("'path'").contains("template source"));
    }

    @Test
    void shouldRejectAReferenceToAnUnknownUpstream() {
        ConfigProblem p = problem(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: userz, path: /a }
                """);

        assertThat(p.location()).isEqualTo("endpoints.e.calls.a.upstream");
        assertThat(p.message()).contains("'userz'");
    }

    @Test
    void shouldReportEveryProblemOfADocumentTogether() {
        String yaml = """
                upstreams:
                  users:
                    url: "http://127.0.0.1:1"
                    headers: { X-Key: "${NOT_SET_ANYWHERE}" }
                endpoints:
                  one:
                    path: /one/{id}
                    calls:
                      a: { upstream: users, path: "/a/{path.nope}" }
                      b: { upstream: users, path: "/b/{item.x}" }
                  two:
                    path: /two
                    calls:
                      c: { upstream: users, path: "/c/{d.x}" }
                      d: { upstream: users, path: "/d/{c.x}" }
                      e: { upstream: users, path: "/e/{zzz.x}" }
                """;

        InvalidConfigException e = catchThrowableOfType(
                InvalidConfigException.class, () -> compiler.load(ConfigPipeline.read(yaml), 1, null));

        assertThat(e).isNotNull();
        assertThat(e.problems())
                .extracting(ConfigProblem::location)
                .containsExactlyInAnyOrder(
                        "upstreams.users.headers.X-Key",
                        "endpoints.one.calls.a.path",
                        "endpoints.one.calls.b.path",
                        "endpoints.two.calls",
                        "endpoints.two.calls.e.path");
        assertThat(e.getMessage()).contains("5 problems").contains("endpoints.two.calls.e.path: unknown call 'zzz'");
        assertThat(problems(yaml)).hasSize(5);
    }

    @Test
    void shouldAcceptTheSpecExample() {
        List<ConfigProblem> problems = problems(UPSTREAMS + """
                  companies: { url: "http://127.0.0.1:1" }
                  catalog: { url: "http://127.0.0.1:1/api" }
                endpoints:
                  user-overview:
                    path: /v1/users/{id}/overview
                    calls:
                      user: { upstream: users, path: "/users/{path.id}" }
                      orders:
                        upstream: orders
                        path: /orders
                        query: { userId: "{path.id}", limit: "{query.limit|10}" }
                        required: false
                      company: { upstream: companies, path: "/companies/{user.companyId}", required: false }
                      products:
                        upstream: catalog
                        for-each: orders.items
                        path: "/products/{item.productId}"
                        concurrency: 8
                        required: false
                """);

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldNotStartTheApplicationWithAnInvalidConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("fanout.yaml");
        Files.writeString(config, UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: "/a/{b.id}" }
                      b: { upstream: users, path: "/b/{a.id}" }
                      c: { upstream: orders, path: "/c/{nope.id}" }
                """);
        SpringApplication app = new SpringApplication(FanoutApplication.class);

        Throwable failure = catchThrowable(() -> app.run(
                "--fanout.config=" + config,
                "--server.port=0",
                "--fanout.warm-up=false",
                "--spring.main.web-application-type=none"));

        assertThat(failure).as("the application must not start").isNotNull();
        InvalidConfigException invalid = findCause(failure);
        assertThat(invalid).as("the cause carries the problems: " + failure).isNotNull();
        assertThat(invalid.problems())
                .extracting(ConfigProblem::location)
                .containsExactlyInAnyOrder("endpoints.e.calls", "endpoints.e.calls.c.path");
    }

    @Test
    void shouldReportNameProblemsAndReferenceProblemsOfADocumentTogether() {
        // the parser finds the unknown upstream, the compiler the cycle: the author should learn of both at once
        List<ConfigProblem> problems = problems(UPSTREAMS + """
                endpoints:
                  e:
                    path: /e
                    calls:
                      a: { upstream: users, path: "/a/{b.id}" }
                      b: { upstream: users, path: "/b/{a.id}" }
                      c: { upstream: nowhere, path: /c }
                """);

        assertThat(problems)
                .extracting(ConfigProblem::location)
                .containsExactlyInAnyOrder("endpoints.e.calls", "endpoints.e.calls.c.upstream");
    }

    private static InvalidConfigException findCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidConfigException e) {
                return e;
            }
        }
        return null;
    }
}

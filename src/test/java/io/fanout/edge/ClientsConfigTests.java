package io.fanout.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.TestConfigs;
import io.fanout.definition.AuthMode;
import io.fanout.definition.ClientsDefinition;
import io.fanout.definition.ConfigDefinition;
import io.fanout.definition.ConfigProblem;
import io.fanout.definition.ConfigWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code clients} section and endpoint {@code auth}/{@code scopes}: bound, checked for meaning, written back. */
class ClientsConfigTests {

    private static final String DIGEST = "3b1f" + "0".repeat(60);

    private static final String VALID = """
            clients:
              jwt:
                issuer: https://auth.example.com/
                jwks-uri: https://auth.example.com/.well-known/jwks.json
                audiences: [fanout]
                algorithms: [RS256, ES256, PS256]
                clock-skew: 10s
              api-keys:
                header: X-Key
                keys:
                  mobile-app: { sha256: %s, plan: gold }
              plans:
                default: { rate: 20/s, burst: 40 }
                gold: { rate: 500/s }
                plan-claim: plan
              quota-store: redis
            upstreams:
              users: { url: "http://localhost:1" }
            endpoints:
              me:
                path: /v1/me/overview
                auth: required
                scopes: [profile:read]
                calls:
                  user: { upstream: users, path: "/users/{client.id}" }
                  prefs: { upstream: users, path: /prefs, headers: { X-Tenant: "{claims.tenant.id}" } }
            """.formatted(DIGEST);

    private static List<String> problems(String yaml) {
        return TestConfigs.problems(yaml).stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void shouldBindTheSpecExampleAndWriteItBackUnchanged() {
        ConfigDefinition config = TestConfigs.parseYaml(VALID);

        assertThat(problems(VALID)).isEmpty();
        assertThat(config.clients().quotaStore()).isEqualTo(ClientsDefinition.QuotaStore.REDIS);
        assertThat(config.clients().plans().get("gold").burst()).isEqualTo(500);
        assertThat(config.clients().apiKeys().keys().get("mobile-app").plan()).isEqualTo("gold");
        assertThat(config.endpoints().get("me").auth()).isEqualTo(AuthMode.REQUIRED);
        assertThat(TestConfigs.parse(ConfigWriter.document(config))).isEqualTo(config);
    }

    @Test
    void shouldLocateEveryMeaningProblem() {
        String yaml = """
                clients:
                  jwt:
                    issuer: https://auth.example.com/
                    jwks-uri: ftp://auth.example.com/jwks
                    audiences: [fanout]
                    algorithms: [RS256, none, HS256, XS999]
                  api-keys:
                    keys:
                      a: { sha256: %s, plan: platinum }
                      b: { sha256: %s }
                      c: { sha256: my-raw-secret-key }
                  plans:
                    default: { rate: 20/s }
                upstreams:
                  users: { url: "http://localhost:1" }
                endpoints:
                  open:
                    path: /open
                    scopes: [profile:read]
                    calls:
                      user: { upstream: users, path: "/users/{client.id}" }
                  me:
                    path: /me
                    auth: optional
                    calls:
                      user: { upstream: users, path: "/users/{client.name}" }
                """.formatted(DIGEST, DIGEST);

        List<String> problems = problems(yaml);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("clients.jwt.jwks-uri: invalid JWKS URL"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("clients.jwt.algorithms[1]: algorithm 'none' is never accepted with a JWKS"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("clients.jwt.algorithms[2]: algorithm 'HS256' is never accepted with a JWKS"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("clients.jwt.algorithms[3]: unknown algorithm 'XS999'"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("clients.api-keys.keys.a.plan: unknown plan 'platinum' (known: default)"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("clients.api-keys.keys.b.sha256: the same key as 'a'"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("clients.api-keys.keys.c.sha256: must be 64"))
                .noneSatisfy(p -> assertThat(p).contains("my-raw-secret-key"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("endpoints.open.scopes: scopes on an endpoint with auth: none are never checked"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("endpoints.open.calls.user.path: {client.id} needs auth: required or optional"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("endpoints.me.calls.user.path: unknown client field 'name'"));
    }

    @Test
    void shouldRefuseAuthWithoutAWayToIdentifyClientsAndClaimsWithoutJwt() {
        String yaml = """
                upstreams:
                  users: { url: "http://localhost:1" }
                endpoints:
                  me:
                    path: /me
                    auth: required
                    scopes: [a]
                    calls:
                      user: { upstream: users, path: "/users/{claims.sub}" }
                """;

        List<String> problems = problems(yaml);

        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("endpoints.me.auth: auth: required needs clients.jwt or clients.api-keys"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith(
                                "endpoints.me.scopes: scopes are read from JWTs, but clients.jwt is not configured"));
        assertThat(problems)
                .anySatisfy(
                        p -> assertThat(p).startsWith("endpoints.me.calls.user.path: {claims.sub} reads a JWT claim"));
    }
}

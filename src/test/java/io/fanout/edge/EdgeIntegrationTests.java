package io.fanout.edge;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * SPEC §8 over HTTP with real keys: RS256 and ES256 tokens generated here, a JWKS served by a loopback server (with
 * rotation), API keys, every refusal (none of which reaches the upstream), claims in paths and headers, quotas with
 * their headers. BlockHound is installed for every test.
 */
class EdgeIntegrationTests extends FanoutIntegrationTests {

    private static final FakeUpstream JWKS = FakeUpstream.start();
    private static final RSAKey RSA = TestTokens.rsa("r1");
    private static final ECKey EC = TestTokens.ec("e1");
    private static final String API_KEY = "key-mobile-0123456789";
    private static final AtomicInteger CASE = new AtomicInteger();

    @Autowired
    MeterRegistry registry;

    private String jwksPath;

    @BeforeEach
    void installEdgeConfig() {
        A.on("*", json("{\"ok\":true}"));
        // a JWKS path of its own per test: every test starts with a fresh key cache and refresh history
        jwksPath = "/jwks" + CASE.incrementAndGet();
        JWKS.on(jwksPath, json(TestTokens.jwks(RSA, EC)));
        install(config(JWKS.url() + jwksPath));
    }

    private static String config(String jwksUri) {
        return """
                clients:
                  jwt:
                    issuer: https://auth.test/
                    jwks-uri: %s
                    audiences: [fanout]
                  api-keys:
                    keys:
                      mobile-app: { sha256: %s, plan: gold }
                  plans:
                    default: { rate: 1/m, burst: 3 }
                    gold: { rate: 100/s, burst: 100 }
                    plan-claim: plan
                upstreams:
                  users: { url: "${A}" }
                endpoints:
                  me:
                    path: /v1/me
                    auth: required
                    scopes: [profile:read]
                    calls:
                      user: { upstream: users, path: "/users/{client.id}" }
                      prefs:
                        upstream: users
                        path: "/prefs/{claims.org.id}"
                        headers: { X-Tenant: "{claims.tenant}", X-Plan: "{client.plan}" }
                  keyed:
                    path: /v1/keyed
                    auth: required
                    calls:
                      user: { upstream: users, path: "/users/{client.id}" }
                  open:
                    path: /v1/open
                    auth: optional
                    calls:
                      user: { upstream: users, path: "/open" }
                  public:
                    path: /v1/public
                    calls:
                      user: { upstream: users, path: "/public" }
                """.formatted(jwksUri, HexFormat.of().formatHex(ApiKeyVerifier.sha256(API_KEY)));
    }

    private static String token(String sub, Map<String, Object> extra) {
        return TestTokens.sign(RSA, TestTokens.claims(sub, extra).build());
    }

    private static Map<String, Object> gold() {
        return Map.of(
                "plan", "gold", "scope", "profile:read email", "tenant", "acme corp", "org", Map.of("id", "o/42"));
    }

    private EntityExchangeResult<String> get(String path, String authorization) {
        var spec = client.get().uri(path);
        if (authorization != null) {
            spec = spec.header("Authorization", authorization);
        }
        return spec.exchange().expectBody(String.class).returnResult();
    }

    private double refusals(String reason) {
        var c = registry.find("fanout.edge.refusals").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void shouldPassClaimsIntoPathsAndHeadersEncodedWithoutForwardingAuthorization() {
        var result = get("/v1/me", "Bearer " + token("alice/x y", gold()));

        assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(200);
        assertThat(A.seen("/users/")).singleElement().satisfies(s -> {
            assertThat(s.uri()).isEqualTo("/users/alice%2Fx%20y");
            assertThat(s.header("Authorization")).isNull();
        });
        assertThat(A.seen("/prefs/")).singleElement().satisfies(s -> {
            assertThat(s.uri()).isEqualTo("/prefs/o%2F42");
            assertThat(s.header("X-Tenant")).isEqualTo("acme corp");
            assertThat(s.header("X-Plan")).isEqualTo("gold");
        });
        assertThat(result.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"gold\";q=100;w=1");
        assertThat(result.getResponseHeaders().getFirst("RateLimit")).startsWith("\"gold\";r=99;t=");
    }

    @Test
    void shouldAcceptEs256Tokens() {
        String token = TestTokens.sign(EC, TestTokens.claims("erin", gold()).build());

        var result = get("/v1/me", "Bearer " + token);

        assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(200);
        assertThat(A.seen("/users/erin")).hasSize(1);
    }

    @Test
    void shouldChallengeARequestWithoutCredentialAndCallNoUpstream() {
        var result = get("/v1/me", null);

        assertThat(result.getStatus().value()).isEqualTo(401);
        assertThat(result.getResponseHeaders().getFirst("WWW-Authenticate")).startsWith("Bearer");
        assertThat(result.getResponseHeaders().getContentType().toString()).isEqualTo("application/problem+json");
        assertThat(A.seen()).isEmpty();
    }

    @Test
    void shouldRefuseEveryInvalidTokenWithInvalidTokenAndCallNoUpstream() {
        double before = refusals("invalid_token");
        RSAKey stranger = TestTokens.rsa("r1");
        Date past = Date.from(Instant.now().minusSeconds(3600));
        Map<String, String> tokens = Map.of(
                "expired",
                        TestTokens.sign(
                                RSA,
                                TestTokens.claims("bob", gold())
                                        .expirationTime(past)
                                        .build()),
                "wrong issuer",
                        TestTokens.sign(
                                RSA,
                                TestTokens.claims("bob", gold())
                                        .issuer("https://evil/")
                                        .build()),
                "wrong audience",
                        TestTokens.sign(
                                RSA,
                                TestTokens.claims("bob", gold())
                                        .audience("other")
                                        .build()),
                "foreign key",
                        TestTokens.sign(
                                stranger, TestTokens.claims("bob", gold()).build()),
                "alg none", TestTokens.unsigned(TestTokens.claims("bob", gold()).build()),
                "hmac with the public key",
                        TestTokens.hmacWithPublicKey(
                                RSA, TestTokens.claims("bob", gold()).build()),
                "garbage", "not.a.jwt");

        tokens.forEach((what, token) -> {
            var result = get("/v1/me", "Bearer " + token);

            assertThat(result.getStatus().value()).as(what).isEqualTo(401);
            assertThat(result.getResponseHeaders().getFirst("WWW-Authenticate"))
                    .as(what)
                    .startsWith("Bearer")
                    .contains("error=\"invalid_token\"");
            assertThat(result.getResponseBody()).as(what).contains("invalid-token");
        });
        assertThat(A.seen()).isEmpty();
        assertThat(refusals("invalid_token") - before).isEqualTo(tokens.size());
    }

    @Test
    void shouldRefuseAMissingScopeWith403() {
        double before = refusals("insufficient_scope");

        var result = get("/v1/me", "Bearer " + token("carol", Map.of("plan", "gold", "scope", "email")));

        assertThat(result.getStatus().value()).isEqualTo(403);
        assertThat(result.getResponseHeaders().getFirst("WWW-Authenticate"))
                .contains("error=\"insufficient_scope\"")
                .contains("scope=\"profile:read\"");
        assertThat(A.seen()).isEmpty();
        assertThat(refusals("insufficient_scope") - before).isEqualTo(1);
    }

    @Test
    void shouldIdentifyApiKeysByNameAndRefuseUnknownKeysAndTwoCredentials() {
        var ok = client.get()
                .uri("/v1/keyed")
                .header("X-Api-Key", API_KEY)
                .exchange()
                .expectBody(String.class)
                .returnResult();
        var unknown = client.get()
                .uri("/v1/keyed")
                .header("X-Api-Key", API_KEY + "x")
                .exchange()
                .expectBody(String.class)
                .returnResult();
        var both = client.get()
                .uri("/v1/keyed")
                .header("X-Api-Key", API_KEY)
                .header("Authorization", "Bearer " + token("dave", gold()))
                .exchange()
                .expectBody(String.class)
                .returnResult();

        assertThat(ok.getStatus().value()).as(ok.getResponseBody()).isEqualTo(200);
        assertThat(ok.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"gold\";q=100;w=1");
        assertThat(unknown.getStatus().value()).isEqualTo(401);
        assertThat(unknown.getResponseHeaders().getFirst("WWW-Authenticate")).contains("invalid_token");
        assertThat(both.getStatus().value()).isEqualTo(401);
        assertThat(A.seen()).singleElement().satisfies(s -> assertThat(s.uri()).isEqualTo("/users/mobile-app"));
    }

    @Test
    void shouldAnswer429WithRetryAfterAndRateLimitHeadersOverQuota() {
        double before = refusals("quota");
        String token = token("quota-user", Map.of("scope", "profile:read"));
        for (int i = 0; i < 3; i++) {
            assertThat(client.get()
                            .uri("/v1/keyed")
                            .header("Authorization", "Bearer " + token)
                            .exchange()
                            .returnResult(String.class)
                            .getStatus()
                            .value())
                    .isEqualTo(200);
        }

        var refused = get("/v1/keyed", "Bearer " + token);

        assertThat(refused.getStatus().value()).isEqualTo(429);
        assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After")))
                .isBetween(1L, 60L);
        assertThat(refused.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"default\";q=3;w=180");
        assertThat(refused.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=0;t=");
        assertThat(refused.getResponseBody()).contains("quota-exceeded");
        assertThat(A.seen()).hasSize(3);
        assertThat(refusals("quota") - before).isEqualTo(1);
    }

    @Test
    void shouldMeterAnonymousCallersOfOptionalEndpointsButRefuseBadCredentials() {
        var anonymous = get("/v1/open", null);
        var bad = get("/v1/open", "Bearer not.a.jwt");
        var pub = get("/v1/public", null);

        assertThat(anonymous.getStatus().value()).isEqualTo(200);
        assertThat(anonymous.getResponseHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"default\";q=3;w=180");
        assertThat(bad.getStatus().value()).isEqualTo(401);
        assertThat(pub.getStatus().value()).isEqualTo(200);
        assertThat(pub.getResponseHeaders().getFirst("RateLimit-Policy")).isNull();
        assertThat(pub.getResponseHeaders().getFirst("RateLimit")).isNull();
    }

    @Test
    void shouldFollowKeyRotationOnceAndNotRefetchForAnotherUnknownKidWithin30s() {
        assertThat(get("/v1/me", "Bearer " + token("frank", gold())).getStatus().value())
                .isEqualTo(200);
        RSAKey rotated = TestTokens.rsa("r2");
        RSAKey forged = TestTokens.rsa("r3");
        JWKS.on(jwksPath, json(TestTokens.jwks(RSA, EC, rotated)));
        int fetchesBefore = JWKS.seen(jwksPath).size();

        var afterRotation = get(
                "/v1/me",
                "Bearer "
                        + TestTokens.sign(
                                rotated, TestTokens.claims("frank", gold()).build()));
        JWKS.on(jwksPath, json(TestTokens.jwks(RSA, EC, rotated, forged)));
        var unknownKid = get(
                "/v1/me",
                "Bearer "
                        + TestTokens.sign(
                                forged, TestTokens.claims("frank", gold()).build()));

        assertThat(afterRotation.getStatus().value())
                .as(afterRotation.getResponseBody())
                .isEqualTo(200);
        assertThat(unknownKid.getStatus().value()).isEqualTo(401);
        assertThat(JWKS.seen(jwksPath).size() - fetchesBefore).isEqualTo(1);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheJwksCannotBeFetched() {
        install(config("http://127.0.0.1:1/jwks"));

        var result = get("/v1/me", "Bearer " + token("gina", gold()));

        assertThat(result.getStatus().value()).isEqualTo(503);
        assertThat(result.getResponseHeaders().getFirst("Retry-After")).isNotNull();
        assertThat(result.getResponseBody()).contains("identity-unavailable");
        assertThat(A.seen()).isEmpty();
    }

    @Test
    void shouldReportClientsProblemsThroughTheAdminDryRunLocated() {
        String invalid = config(JWKS.url() + jwksPath)
                .replace("${A}", A.url())
                .replace("audiences: [fanout]", "audiences: [fanout]\n    algorithms: [none]")
                .replace("plan: gold }", "plan: platinum }");

        client.put()
                .uri("/admin/config?dry-run=true")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .contentType(org.springframework.http.MediaType.parseMediaType("application/yaml"))
                .bodyValue(invalid)
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[?(@.location == 'clients.jwt.algorithms[0]')]")
                .exists()
                .jsonPath("$.errors[?(@.location == 'clients.api-keys.keys.mobile-app.plan')]")
                .exists();
    }
}

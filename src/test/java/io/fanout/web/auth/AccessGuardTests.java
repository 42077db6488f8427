package io.fanout.web.auth;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

class AccessGuardTests {

    private static WebTestClient guarded(Authenticator authenticator) {
        return WebTestClient.bindToRouterFunction(RouterFunctions.route()
                        .GET("/thing", r -> ServerResponse.ok().bodyValue(AccessGuard.principal(r, "nobody")))
                        .filter(new AccessGuard(authenticator, "fanout-test", "switched off: set THE_TOKEN"))
                        .build())
                .build();
    }

    @Test
    void shouldAnswer403SayingHowToSwitchOnWhenNoTokenIsConfigured() {
        guarded(new BearerTokenAuthenticator((String) null))
                .get()
                .uri("/thing")
                .header("Authorization", "Bearer anything")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("switched off: set THE_TOKEN");
    }

    @Test
    void shouldAnswer401WithABearerChallengeForMissingAndWrongTokens() {
        WebTestClient client = guarded(new BearerTokenAuthenticator("s3cret"));

        client.get()
                .uri("/thing")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals("WWW-Authenticate", "Bearer realm=\"fanout-test\"")
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("missing bearer token");
        client.get()
                .uri("/thing")
                .header("Authorization", "Bearer nope")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("wrong bearer token");
    }

    @Test
    void shouldHandTheTokensNameToTheHandler() {
        guarded(new BearerTokenAuthenticator(Map.of("alice-token", "alice")))
                .get()
                .uri("/thing")
                .header("Authorization", "Bearer alice-token")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .isEqualTo("alice");
    }
}

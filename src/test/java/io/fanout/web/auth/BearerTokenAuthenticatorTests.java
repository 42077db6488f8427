package io.fanout.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.web.auth.Authentication.Status;
import org.junit.jupiter.api.Test;

class BearerTokenAuthenticatorTests {

    @Test
    void shouldBeDisabledWithoutToken() {
        BearerTokenAuthenticator auth = new BearerTokenAuthenticator((String) null);

        assertThat(auth.enabled()).isFalse();
        assertThat(auth.check("Bearer anything").status()).isEqualTo(Status.DISABLED);
    }

    @Test
    void shouldTellMissingWrongAndRightTokensApart() {
        BearerTokenAuthenticator auth = new BearerTokenAuthenticator("s3cret");

        assertThat(auth.check(null).status()).isEqualTo(Status.MISSING);
        assertThat(auth.check("Basic czNjcmV0").status()).isEqualTo(Status.MISSING);
        assertThat(auth.check("Bearer s3cre").status()).isEqualTo(Status.INVALID);
        assertThat(auth.check("Bearer s3cret-and-more").status()).isEqualTo(Status.INVALID);
        assertThat(auth.check("bearer s3cret")).isEqualTo(Authentication.of(BearerTokenAuthenticator.DEFAULT_NAME));
    }

    @Test
    void shouldAcceptAnyOfSeveralTokens() {
        BearerTokenAuthenticator auth = new BearerTokenAuthenticator("one", null, "two");

        assertThat(auth.check("Bearer two").status()).isEqualTo(Status.AUTHENTICATED);
        assertThat(auth.check("Bearer three").status()).isEqualTo(Status.INVALID);
    }

    @Test
    void shouldNameTheTokenThatMatched() {
        BearerTokenAuthenticator auth =
                new BearerTokenAuthenticator(java.util.Map.of("t-alice", "alice", "t-bob", "bob"));

        assertThat(auth.check("Bearer t-bob").principal()).isEqualTo("bob");
        assertThat(auth.check("Bearer t-alice").principal()).isEqualTo("alice");
    }
}

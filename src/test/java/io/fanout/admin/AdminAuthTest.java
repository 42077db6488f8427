package io.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminAuthTest {

    @Test
    void shouldBeDisabledWithoutToken() {
        AdminAuth auth = new AdminAuth((String) null);

        assertThat(auth.enabled()).isFalse();
        assertThat(auth.check("Bearer anything")).isEqualTo(AdminAuth.Result.DISABLED);
    }

    @Test
    void shouldTellMissingWrongAndRightTokensApart() {
        AdminAuth auth = new AdminAuth("s3cret");

        assertThat(auth.check(null)).isEqualTo(AdminAuth.Result.MISSING);
        assertThat(auth.check("Basic czNjcmV0")).isEqualTo(AdminAuth.Result.MISSING);
        assertThat(auth.check("Bearer s3cre")).isEqualTo(AdminAuth.Result.WRONG);
        assertThat(auth.check("Bearer s3cret-and-more")).isEqualTo(AdminAuth.Result.WRONG);
        assertThat(auth.check("bearer s3cret")).isEqualTo(AdminAuth.Result.OK);
    }

    @Test
    void shouldAcceptAnyOfSeveralTokens() {
        AdminAuth auth = new AdminAuth("one", null, "two");

        assertThat(auth.check("Bearer two")).isEqualTo(AdminAuth.Result.OK);
        assertThat(auth.check("Bearer three")).isEqualTo(AdminAuth.Result.WRONG);
    }
}

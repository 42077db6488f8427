package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class FlywayFromR2dbcUnitTests {

    @Test
    void shouldDeriveJdbcUrlAndCredentialsFromAPostgresqlR2dbcUrl() {
        FlywayConnection derived =
                FlywayConnection.fromR2dbc("r2dbc:postgresql://fan:s3cret@db.internal:6543/fanout", null, null);

        assertThat(derived)
                .isEqualTo(new FlywayConnection("jdbc:postgresql://db.internal:6543/fanout", "fan", "s3cret"));
    }

    @Test
    void shouldUnderstandPoolAndSslForms() {
        assertThat(FlywayConnection.fromR2dbc("r2dbc:pool:postgresql://db/fanout?maxSize=20", "u", "p")
                        .url())
                .isEqualTo("jdbc:postgresql://db/fanout");
        assertThat(FlywayConnection.fromR2dbc("r2dbcs:postgresql://db:5432/fanout", "u", "p")
                        .url())
                .isEqualTo("jdbc:postgresql://db:5432/fanout?sslmode=require");
        assertThat(FlywayConnection.fromR2dbc("r2dbc:postgresql://db/fanout?sslMode=VERIFY_FULL&schema=gw", "u", "p")
                        .url())
                .isEqualTo("jdbc:postgresql://db/fanout?sslmode=verify-full&currentSchema=gw");
    }

    @Test
    void shouldPreferExplicitCredentialsOverTheUrlsUserInfo() {
        FlywayConnection derived = FlywayConnection.fromR2dbc(
                "r2dbc:postgresql://url-user:url-pw@db/fanout", "property-user", "property-pw");

        assertThat(derived.user()).isEqualTo("property-user");
        assertThat(derived.password()).isEqualTo("property-pw");
    }

    @Test
    void shouldDeriveNothingForOtherDatabasesOrMalformedUrls() {
        assertThat(FlywayConnection.fromR2dbc("r2dbc:h2:mem:///test", null, null))
                .isNull();
        assertThat(FlywayConnection.fromR2dbc("not a url", null, null)).isNull();
    }

    @Test
    void shouldOfferDerivedFlywayPropertiesOnlyWhenNotConfiguredOtherwise() {
        Map<String, Object> properties = new HashMap<>();
        StandardEnvironment environment = environment(properties);

        assertThat(environment.getProperty("spring.flyway.url")).isNull();

        properties.put("spring.r2dbc.url", "r2dbc:postgresql://db/fanout");
        properties.put("spring.r2dbc.username", "fan");
        properties.put("spring.r2dbc.password", "pw");
        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://db/fanout");
        assertThat(environment.getProperty("spring.flyway.user")).isEqualTo("fan");
        assertThat(environment.getProperty("spring.flyway.password")).isEqualTo("pw");

        properties.put("spring.flyway.url", "jdbc:postgresql://migrations/fanout");
        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://migrations/fanout");
        assertThat(environment.getProperty("spring.flyway.user"))
                .as("not the R2DBC user for another URL")
                .isNull();
        assertThat(environment.getProperty("spring.flyway.password")).isNull();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new FlywayFromR2dbcEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        return environment;
    }
}

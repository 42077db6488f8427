package io.fanout.store;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.env.PropertySource;

/**
 * Lets operators configure the database once: {@code spring.flyway.url}, {@code .user} and {@code .password}
 * default to values derived from {@code spring.r2dbc.*} (SPEC §3). Boot itself does not derive them, and
 * without {@code spring.flyway.url} Flyway silently does not run.
 *
 * <p>The values are computed on each lookup by a lowest-precedence property source instead of being copied
 * once here: property sources added after environment post-processing (a test's
 * {@code @DynamicPropertySource}, for one) must be seen too, and anything an operator sets wins.
 */
public final class FlywayFromR2dbcEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE_NAME = "fanoutFlywayFromR2dbc";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            environment.getPropertySources().addLast(new DerivedFlywayProperties(environment));
        }
    }

    /**
     * Its source is a lookup function, not the environment itself: Boot's binder descends into property sources
     * whose source is a {@code ConfigurableEnvironment}, which would loop forever on this one.
     */
    static final class DerivedFlywayProperties extends PropertySource<UnaryOperator<@Nullable String>> {

        private static final String URL = "spring.flyway.url";

        DerivedFlywayProperties(PropertyResolver environment) {
            super(PROPERTY_SOURCE_NAME, environment::getProperty);
        }

        @Override
        public @Nullable Object getProperty(String name) {
            if (URL.equals(name)) {
                FlywayConnection derived = derived();
                return derived == null ? null : derived.url();
            }
            if ("spring.flyway.user".equals(name) || "spring.flyway.password".equals(name)) {
                FlywayConnection derived = derivedUsedForUrl();
                return derived == null ? null : name.endsWith("user") ? derived.user() : derived.password();
            }
            return null;
        }

        private @Nullable FlywayConnection derived() {
            String r2dbcUrl = source.apply(DatabaseMode.URL_PROPERTY);
            if (r2dbcUrl == null || r2dbcUrl.isBlank()) {
                return null;
            }
            return FlywayConnection.fromR2dbc(
                    r2dbcUrl, source.apply("spring.r2dbc.username"), source.apply("spring.r2dbc.password"));
        }

        /** R2DBC credentials only go with the R2DBC-derived URL, never with a Flyway URL an operator chose. */
        private @Nullable FlywayConnection derivedUsedForUrl() {
            FlywayConnection derived = derived();
            return derived != null && Objects.equals(source.apply(URL), derived.url()) ? derived : null;
        }
    }
}

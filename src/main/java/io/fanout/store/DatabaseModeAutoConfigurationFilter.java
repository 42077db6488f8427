package io.fanout.store;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Keeps Spring Boot's database auto-configurations out of file mode (SPEC §3 zero-setup default).
 *
 * <p>Boot's R2DBC auto-configuration fails start-up when no URL is set and no embedded database is on the
 * classpath ("Failed to determine a suitable R2DBC Connection URL"), and its JDBC one would build a DataSource
 * pool for the driver that only Flyway needs. Filtering them here, rather than with
 * {@code spring.autoconfigure.exclude}, leaves that property entirely to operators.
 *
 * <p>JDBC auto-configuration is filtered in both modes: Flyway builds its own short-lived connection from
 * {@code spring.flyway.url}, and nothing else in Fanout may use blocking JDBC.
 */
public final class DatabaseModeAutoConfigurationFilter
        implements AutoConfigurationImportFilter, EnvironmentAware, BeanFactoryAware {

    private static final List<String> JDBC = List.of("org.springframework.boot.jdbc.autoconfigure.");

    private static final List<String> DATABASE = List.of(
            "org.springframework.boot.r2dbc.autoconfigure.",
            "org.springframework.boot.flyway.autoconfigure.",
            "org.springframework.boot.jdbc.autoconfigure.");

    private @Nullable Environment environment;
    private @Nullable BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public boolean[] match(@Nullable String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        List<String> filtered =
                environment != null && DatabaseMode.isConfigured(environment, beanFactory) ? JDBC : DATABASE;
        boolean[] keep = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < keep.length; i++) {
            String name = autoConfigurationClasses[i];
            keep[i] = name == null || filtered.stream().noneMatch(name::startsWith);
        }
        return keep;
    }
}

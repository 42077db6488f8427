package io.fanout.store;

import java.util.Objects;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The store's beans, in database mode only: Boot's pooled {@link ConnectionFactory} comes from {@code spring.r2dbc.*}. */
@Configuration(proxyBeanMethods = false)
@Conditional(DatabaseModeCondition.class)
@EnableConfigurationProperties(StoreProperties.class)
class StoreConfiguration {

    @Bean
    @DependsOnDatabaseInitialization // Flyway must have created the tables before anyone reads config at start-up
    ConfigStore configStore(ConnectionFactory connectionFactory) {
        return new ConfigStore(connectionFactory);
    }

    @Bean
    @DependsOnDatabaseInitialization
    ConfigChangeListener configChangeListener(ConnectionFactory connectionFactory, StoreProperties properties) {
        return new ConfigChangeListener(postgresql(connectionFactory), properties.listener());
    }

    @Bean
    @DependsOnDatabaseInitialization // the start-up read needs Flyway's tables
    StartupConfigReader startupConfigReader(Environment environment) {
        return StartupConfigReader.forR2dbc(Objects.requireNonNull(environment.getProperty(DatabaseMode.URL_PROPERTY)),
                environment.getProperty("spring.r2dbc.username"), environment.getProperty("spring.r2dbc.password"));
    }

    /** The driver's factory under Boot's pool (and its options wrapper), for the listener's dedicated session. */
    static PostgresqlConnectionFactory postgresql(ConnectionFactory connectionFactory) {
        ConnectionFactory current = connectionFactory;
        while (!(current instanceof PostgresqlConnectionFactory) && current instanceof Wrapped<?> wrapped
                && wrapped.unwrap() instanceof ConnectionFactory inner) {
            current = inner;
        }
        if (current instanceof PostgresqlConnectionFactory postgresql) {
            return postgresql;
        }
        throw new IllegalStateException("Database mode needs PostgreSQL, but spring.r2dbc.url gives a "
                + current.getClass().getName() + "; use an r2dbc:postgresql://host:port/database URL");
    }
}

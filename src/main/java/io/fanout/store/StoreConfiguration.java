package io.fanout.store;

import java.util.Objects;

import io.r2dbc.spi.ConnectionFactory;
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
        return new ConfigChangeListener(DatabaseMode.postgresql(connectionFactory), properties.listener());
    }

    @Bean
    @DependsOnDatabaseInitialization // the start-up read needs Flyway's tables
    StartupConfigReader startupConfigReader(Environment environment) {
        return StartupConfigReader.forR2dbc(Objects.requireNonNull(environment.getProperty(DatabaseMode.URL_PROPERTY)),
                environment.getProperty("spring.r2dbc.username"), environment.getProperty("spring.r2dbc.password"));
    }
}

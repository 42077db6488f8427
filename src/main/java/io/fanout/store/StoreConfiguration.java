package io.fanout.store;

import io.r2dbc.spi.ConnectionFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The store's beans, in database mode only: Boot's pooled {@link ConnectionFactory} comes from
 * {@code spring.r2dbc.*} or from {@link R2dbcConnectionDetails} ({@link DatabaseMode}).
 */
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
    StartupConfigReader startupConfigReader(R2dbcConnectionDetails connectionDetails) {
        // the details, not spring.r2dbc.url: with @ServiceConnection or docker compose there is no URL property
        return StartupConfigReader.forConnectionDetails(connectionDetails);
    }

    /**
     * Flyway's connection when only R2DBC connection details exist: Boot's connection sources also provide JDBC
     * details for PostgreSQL, but a plain {@link R2dbcConnectionDetails} bean does not, and Boot's Flyway would
     * then not run at all (it needs a DataSource, JDBC details or {@code spring.flyway.url}).
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnlyR2dbcConnectionDetails.class)
    static class FlywayFromR2dbcConnectionDetails {

        @Bean
        R2dbcDerivedJdbcConnectionDetails fanoutJdbcFromR2dbcConnectionDetails(R2dbcConnectionDetails r2dbc) {
            return new R2dbcDerivedJdbcConnectionDetails(r2dbc);
        }
    }

    /** JDBC coordinates of the R2DBC connection, for Flyway (one bean, both kinds of details). */
    static final class R2dbcDerivedJdbcConnectionDetails implements JdbcConnectionDetails, FlywayConnectionDetails {

        private final R2dbcConnectionDetails r2dbc;

        R2dbcDerivedJdbcConnectionDetails(R2dbcConnectionDetails r2dbc) {
            this.r2dbc = r2dbc;
        }

        private FlywayConnection derived() {
            FlywayConnection derived = FlywayConnection.fromOptions(r2dbc.getConnectionFactoryOptions(), null, null);
            if (derived == null) {
                throw new IllegalStateException("Database mode needs PostgreSQL R2DBC connection details");
            }
            return derived;
        }

        @Override
        public String getJdbcUrl() {
            return derived().url();
        }

        @Override
        public String getUsername() {
            String user = derived().user();
            return user == null ? "" : user;
        }

        @Override
        public String getPassword() {
            String password = derived().password();
            return password == null ? "" : password;
        }

        @Override
        public String getDriverClassName() {
            return "org.postgresql.Driver";
        }
    }

    /** R2DBC details are defined, and neither JDBC/Flyway details nor {@code spring.flyway.url} say where to migrate. */
    static final class OnlyR2dbcConnectionDetails implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ListableBeanFactory beans = context.getBeanFactory();
            if (beans == null
                    || !DatabaseMode.hasConnectionDetails(beans)
                    || StringUtils.hasText(context.getEnvironment().getProperty("spring.flyway.url"))) {
                return false;
            }
            return beans.getBeanNamesForType(JdbcConnectionDetails.class, true, false).length == 0
                    && beans.getBeanNamesForType(FlywayConnectionDetails.class, true, false).length == 0;
        }
    }
}

package io.fanout.store;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.StringUtils;

/**
 * The one rule that decides between file mode and database mode: {@code spring.r2dbc.url} is set, or an
 * {@link R2dbcConnectionDetails} bean is registered before configuration classes are processed.
 *
 * <p>The second form is how Spring Boot's own connection sources announce a database:
 * {@code @ServiceConnection} on a Testcontainers {@code @Container} field of a test and
 * {@code spring-boot-docker-compose} both register their connection details as bean definitions before the
 * context refreshes. A connection-details bean that only a {@code @Bean} method (or an auto-configuration such as
 * {@code @Bean @ServiceConnection} containers) creates is not known yet when this rule must decide, so it does
 * not switch database mode on; set {@code spring.r2dbc.url} there (docs/database-mode.md).
 */
public final class DatabaseMode {

    /** Spring Boot's standard property (or {@code SPRING_R2DBC_URL}); SPEC §3 promises exactly this switch. */
    public static final String URL_PROPERTY = "spring.r2dbc.url";

    private DatabaseMode() {}

    /** Database mode by the property alone (for code that has no bean factory, e.g. environment post-processing). */
    public static boolean isConfigured(PropertyResolver properties) {
        return StringUtils.hasText(properties.getProperty(URL_PROPERTY));
    }

    /** Database mode by the property or by connection details already registered in {@code beanFactory}. */
    public static boolean isConfigured(PropertyResolver properties, @Nullable BeanFactory beanFactory) {
        return isConfigured(properties) || hasConnectionDetails(beanFactory);
    }

    /** Whether an {@link R2dbcConnectionDetails} bean is defined, without creating any bean to find out. */
    static boolean hasConnectionDetails(@Nullable BeanFactory beanFactory) {
        return beanFactory instanceof ListableBeanFactory listable
                && listable.getBeanNamesForType(R2dbcConnectionDetails.class, true, false).length > 0;
    }

    /**
     * The driver's factory under Boot's pool (and its options wrapper), for dedicated LISTEN sessions that must
     * not come from the pool.
     */
    public static PostgresqlConnectionFactory postgresql(ConnectionFactory connectionFactory) {
        ConnectionFactory current = connectionFactory;
        while (!(current instanceof PostgresqlConnectionFactory)
                && current instanceof Wrapped<?> wrapped
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

package io.fanout.store;

import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.StringUtils;

/** The one rule that decides between file mode and database mode: is {@code spring.r2dbc.url} set. */
public final class DatabaseMode {

    /** Spring Boot's standard property (or {@code SPRING_R2DBC_URL}); SPEC §3 promises exactly this switch. */
    public static final String URL_PROPERTY = "spring.r2dbc.url";

    private DatabaseMode() {
    }

    public static boolean isConfigured(PropertyResolver properties) {
        return StringUtils.hasText(properties.getProperty(URL_PROPERTY));
    }

    /**
     * The driver's factory under Boot's pool (and its options wrapper), for dedicated LISTEN sessions that must
     * not come from the pool.
     */
    public static PostgresqlConnectionFactory postgresql(ConnectionFactory connectionFactory) {
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

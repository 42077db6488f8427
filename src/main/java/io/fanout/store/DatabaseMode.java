package io.fanout.store;

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
}

package io.fanout.store;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Start-up in database mode with PostgreSQL unreachable (refused, down, starting up) after Flyway's connect retries:
 * one clear message naming the database (never the password) and the start-up policy, instead of a stack of bean
 * creation errors. The process then exits non-zero; see docs/reliability.md for why it does not wait forever.
 */
public final class DatabaseUnreachableFailureAnalyzer implements FailureAnalyzer {

    private final Environment environment;

    public DatabaseUnreachableFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        Throwable cause = unreachable(failure);
        if (cause == null || !DatabaseMode.isConfigured(environment)) {
            return null;
        }
        String url = environment.getProperty("spring.r2dbc.url", "(R2DBC connection details)");
        String retries = environment.getProperty("spring.flyway.connect-retries", "0");
        return new FailureAnalysis(
                "Fanout is in database mode but PostgreSQL at " + withoutCredentials(url)
                        + " did not accept a connection (" + cause.getMessage() + ") after " + retries
                        + " connect retries (spring.flyway.connect-retries).",
                "Start the database or fix spring.r2dbc.url. Fanout exits rather than serve without its config; "
                        + "a supervisor that restarts it with backoff (Kubernetes, systemd) brings it up once the "
                        + "database answers, while running instances keep serving their last config "
                        + "(docs/reliability.md).",
                failure);
    }

    private static @Nullable Throwable unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof R2dbcNonTransientResourceException
                    || (t instanceof SQLException sql
                            && sql.getSQLState() != null
                            && (sql.getSQLState().startsWith("08")
                                    || sql.getSQLState().equals("57P03")))) {
                return t;
            }
        }
        return null;
    }

    static String withoutCredentials(String url) {
        return url.replaceAll("//[^/@]*@", "//");
    }
}

package io.fanout.web;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Tells a database that is down, restarting or saturated (no connection within
 * {@code spring.r2dbc.pool.max-acquire-time}, a statement over its timeout) from a bug: the former is answered
 * with a 503 problem and {@code Retry-After} (docs/reliability.md), the latter stays a logged 500.
 */
final class DatabaseUnavailable {

    private DatabaseUnavailable() {}

    /** True when {@code error} or one of its causes says the database cannot be reached or answer in time. */
    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessException
                    || t instanceof QueryTimeoutException
                    || t instanceof R2dbcTransientException
                    || t instanceof R2dbcNonTransientResourceException
                    || t instanceof R2dbcTimeoutException) {
                return true;
            }
        }
        return false;
    }
}

package io.fanout.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A rendered read-only query for a {@code kind: jdbc} upstream: the SQL text with {@code ?} placeholders, written by
 * the config author and fixed at load, and the values of its templates, bound as JDBC parameters in order. Client
 * input only ever travels in {@code parameters}, never in {@code sql}.
 *
 * @param sql        SQL with one {@code ?} per parameter
 * @param parameters String, BigDecimal, Boolean or null, in placeholder order
 * @param single     answer the first row as one object instead of an array of rows
 */
public record SqlQuery(String sql, List<@Nullable Object> parameters, boolean single) {

    public SqlQuery {
        parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    }
}

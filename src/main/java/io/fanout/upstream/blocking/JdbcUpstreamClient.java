package io.fanout.upstream.blocking;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.json.JsonCodec;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.SqlQuery;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;

/**
 * The transport of a {@code kind: jdbc} upstream: a HikariCP pool of {@code pool-size} read-only connections and a
 * {@link BlockingLane} of as many threads. Each attempt runs its query in a read-only transaction whose
 * {@code statement_timeout} is the attempt's time bound (PostgreSQL; other drivers get
 * {@link Statement#setQueryTimeout(int)}), binds every template value as a JDBC parameter, and answers the rows as
 * a JSON array (or the single row as an object). Cancelling the attempt cancels the statement on the server.
 *
 * <p>Types: integers and numerics are JSON numbers, text is a string, booleans are booleans, SQL null is null,
 * timestamps and dates are ISO-8601 strings (with offset for {@code timestamptz}), {@code json}/{@code jsonb} are
 * embedded as JSON, arrays as arrays, bytes as base64, anything else as its text.
 */
public final class JdbcUpstreamClient implements UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(JdbcUpstreamClient.class);

    private final String name;
    private final boolean postgres;
    private final HikariDataSource dataSource;
    private final BlockingLane lane;
    private final long maxResponseSize;
    private final boolean ownTimeout;

    /**
     * @param upstream   the upstream, {@code ${ENV}} expanded
     * @param ownTimeout false when a decorator already bounds every attempt with a timer
     */
    public JdbcUpstreamClient(UpstreamDefinition upstream, boolean ownTimeout) {
        this.name = upstream.name();
        this.ownTimeout = ownTimeout;
        this.maxResponseSize = upstream.maxResponseSize();
        this.postgres = upstream.url().startsWith("jdbc:postgresql:");
        HikariConfig config = new HikariConfig();
        config.setPoolName("fanout-" + name);
        config.setJdbcUrl(upstream.url());
        config.setUsername(upstream.username());
        config.setPassword(upstream.password());
        config.setMaximumPoolSize(upstream.poolSize());
        config.setMinimumIdle(Math.min(1, upstream.poolSize()));
        config.setIdleTimeout(Duration.ofSeconds(60).toMillis());
        config.setConnectionTimeout(Math.max(250, upstream.connectTimeout().toMillis()));
        config.setValidationTimeout(Math.max(250, upstream.connectTimeout().toMillis()));
        config.setReadOnly(true);
        config.setAutoCommit(false);
        // the pool starts on first use, on a lane thread: building a client (at load or reload) opens no socket
        config.setInitializationFailTimeout(-1);
        config.setRegisterMbeans(false);
        if (postgres) {
            // template values are sent as text of unknown type, so the server reads them as what the query needs
            config.addDataSourceProperty("stringtype", "unspecified");
            config.addDataSourceProperty("ApplicationName", "fanout-" + name);
        }
        this.dataSource = new HikariDataSource();
        config.copyStateTo(dataSource);
        this.lane = new BlockingLane("fanout-jdbc-" + name, upstream.poolSize(), false);
    }

    @Override
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
        SqlQuery query = request.sql();
        if (query == null) {
            return Mono.error(new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, name + " needs a SQL query"));
        }
        long limitMillis = Math.min(budget.attemptTimeout().toMillis(), budget.remainingMillis());
        if (limitMillis <= 0) {
            return Mono.error(new CallFailure(ErrorType.TIMEOUT, name + " had no time left for an attempt"));
        }
        Mono<UpstreamResponse> attempt = Mono.defer(() -> {
            budget.recordAttempt();
            return lane.run(cancellation -> query(query, limitMillis, cancellation));
        });
        if (ownTimeout) {
            attempt = attempt.timeout(Duration.ofMillis(limitMillis),
                    Mono.error(() -> new CallFailure(ErrorType.TIMEOUT, name + " did not answer within "
                            + limitMillis + "ms")));
        }
        return attempt;
    }

    private UpstreamResponse query(SqlQuery query, long limitMillis, BlockingLane.Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw new CallFailure(ErrorType.CANCELLED, name + ": cancelled before it started");
        }
        try (Connection connection = dataSource.getConnection()) {
            try {
                if (postgres) {
                    try (Statement set = connection.createStatement()) {
                        // a number we computed, not client input
                        set.execute("SET LOCAL statement_timeout = " + limitMillis);
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(query.sql())) {
                    // pgjdbc only cancels a statement while it executes, and holds the connection until a cancel
                    // in progress is done, so a late cancel can never hit the next query on this connection
                    cancellation.onCancel(() -> cancel(statement));
                    if (cancellation.isCancelled()) {
                        throw new CallFailure(ErrorType.CANCELLED, name + ": cancelled before the query ran");
                    }
                    if (!postgres) {
                        statement.setQueryTimeout((int) Math.max(1, (limitMillis + 999) / 1000));
                    }
                    if (query.single()) {
                        statement.setMaxRows(1);
                    }
                    bind(statement, query.parameters());
                    try (ResultSet rows = statement.executeQuery()) {
                        byte[] body = toJson(rows, query.single());
                        return new UpstreamResponse(200, body, UpstreamResponse.Source.NETWORK);
                    }
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw translate(e, limitMillis, cancellation.isCancelled());
        }
    }

    private void cancel(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            log.debug("cancelling a statement on {} failed", name, e);
        }
    }

    private static void bind(PreparedStatement statement, List<@Nullable Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object p = parameters.get(i);
            int index = i + 1;
            if (p == null) {
                statement.setNull(index, Types.NULL);
            } else if (p instanceof String s) {
                statement.setString(index, s);
            } else if (p instanceof BigDecimal d) {
                statement.setBigDecimal(index, d);
            } else if (p instanceof Boolean b) {
                statement.setBoolean(index, b);
            } else {
                statement.setString(index, p.toString());
            }
        }
    }

    private byte[] toJson(ResultSet rows, boolean single) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        int[] types = new int[columns];
        String[] typeNames = new String[columns];
        for (int c = 0; c < columns; c++) {
            labels[c] = meta.getColumnLabel(c + 1);
            types[c] = meta.getColumnType(c + 1);
            String typeName = meta.getColumnTypeName(c + 1);
            typeNames[c] = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = JsonCodec.MAPPER.createGenerator(out)) {
            boolean any = false;
            if (!single) {
                gen.writeStartArray();
            }
            while (rows.next()) {
                any = true;
                gen.writeStartObject();
                for (int c = 0; c < columns; c++) {
                    gen.writeName(labels[c]);
                    writeValue(gen, rows, c + 1, types[c], typeNames[c]);
                }
                gen.writeEndObject();
                if (out.size() > maxResponseSize) {
                    throw new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered more than "
                            + maxResponseSize + " bytes (max-response-size)");
                }
                if (single) {
                    break;
                }
            }
            if (!single) {
                gen.writeEndArray();
            } else if (!any) {
                throw CallFailure.status(name, 404, null);
            }
        }
        if (out.size() > maxResponseSize) {
            throw new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered more than " + maxResponseSize
                    + " bytes (max-response-size)");
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator gen, ResultSet rows, int column, int type, String typeName)
            throws SQLException {
        switch (type) {
            case Types.BIT, Types.BOOLEAN -> {
                boolean b = rows.getBoolean(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else {
                    gen.writeBoolean(b);
                }
            }
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                long v = rows.getLong(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(v);
                }
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double v = rows.getDouble(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else if (Double.isFinite(v)) {
                    gen.writeNumber(v);
                } else {
                    gen.writeString(Double.toString(v)); // NaN and infinities have no JSON number
                }
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal v = rows.getBigDecimal(column);
                if (v == null) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(v);
                }
            }
            case Types.DATE -> writeText(gen, rows.getObject(column, LocalDate.class));
            case Types.TIME -> writeText(gen, rows.getObject(column, LocalTime.class));
            // pgjdbc reports timestamptz as TIMESTAMP: the type name tells them apart
            case Types.TIMESTAMP -> writeText(gen, typeName.equals("timestamptz")
                    ? rows.getObject(column, OffsetDateTime.class) : rows.getObject(column, LocalDateTime.class));
            case Types.TIMESTAMP_WITH_TIMEZONE -> writeText(gen, rows.getObject(column, OffsetDateTime.class));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] bytes = rows.getBytes(column);
                if (bytes == null) {
                    gen.writeNull();
                } else {
                    gen.writeString(Base64.getEncoder().encodeToString(bytes));
                }
            }
            case Types.ARRAY -> {
                Array array = rows.getArray(column);
                if (array == null) {
                    gen.writeNull();
                } else {
                    try (ResultSet elements = array.getResultSet()) {
                        int elementType = array.getBaseType();
                        String elementName = array.getBaseTypeName().toLowerCase(Locale.ROOT);
                        gen.writeStartArray();
                        while (elements.next()) {
                            writeValue(gen, elements, 2, elementType, elementName);
                        }
                        gen.writeEndArray();
                    } finally {
                        array.free();
                    }
                }
            }
            default -> {
                String text = rows.getString(column);
                if (text == null) {
                    gen.writeNull();
                } else if (typeName.equals("json") || typeName.equals("jsonb")) {
                    gen.writeRawValue(text); // the server only stores valid JSON
                } else {
                    gen.writeString(text);
                }
            }
        }
    }

    private static void writeText(JsonGenerator gen, @Nullable Object value) {
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value.toString());
        }
    }

    private CallFailure translate(SQLException e, long limitMillis, boolean cancelled) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (cancelled) {
            return new CallFailure(ErrorType.CANCELLED, name + ": the query was cancelled");
        }
        if (e instanceof SQLTimeoutException || state.equals("57014")) {
            return new CallFailure(ErrorType.TIMEOUT, name + " did not answer within " + limitMillis + "ms");
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": no database connection");
        }
        if (state.startsWith("22")) {
            // data exception: a value the query cannot use (not a number, out of range, ...) is the input's fault
            return new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, name + ": a parameter value does not fit the query"
                    + " (SQLSTATE " + state + ")");
        }
        log.warn("query on {} failed: SQLSTATE {}: {}", name, state, e.getMessage());
        // driver messages may quote data: only the SQLSTATE reaches the client
        return new CallFailure(ErrorType.UPSTREAM_STATUS, name + " failed the query"
                + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")"), 500, null);
    }

    @Override
    public Mono<Void> warmUp() {
        return lane.run(cancellation -> {
            try (Connection c = dataSource.getConnection()) {
                c.rollback();
            }
            return Boolean.TRUE;
        }).then().onErrorResume(e -> Mono.empty());
    }

    @Override
    public void close() {
        lane.closeAfter(dataSource::close);
    }

    BlockingLane lane() {
        return lane;
    }
}

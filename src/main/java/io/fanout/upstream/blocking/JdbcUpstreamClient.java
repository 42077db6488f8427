package io.fanout.upstream.blocking;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.SqlQuery;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The transport of a {@code kind: jdbc} upstream: a HikariCP pool of {@code pool-size} read-only connections and a
 * {@link BlockingLane} of as many threads. Each attempt runs its query in a read-only transaction whose
 * {@code statement_timeout} is the attempt's time bound (PostgreSQL; other drivers get
 * {@link Statement#setQueryTimeout(int)}), binds every template value as a JDBC parameter, and answers the rows as
 * a JSON array (or the single row as an object), streamed from a cursor and cut off at {@code max-response-size}
 * ({@link JdbcRows}). Cancelling the attempt cancels the statement on the server. Log lines carry the request id
 * and the SQLSTATE, never the driver's message (it can quote parameter values).
 */
public final class JdbcUpstreamClient implements UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(JdbcUpstreamClient.class);

    private final String name;
    private final boolean postgres;
    private final HikariDataSource dataSource;
    private final BlockingLane lane;
    private final long maxResponseSize;
    private final int rowCap;
    private final TransportExchange<UpstreamRequest.Query> preamble;
    // built once: the method reference would otherwise be allocated on every call
    private final TransportExchange.Attempt<UpstreamRequest.Query> attempt = this::send;

    /**
     * @param upstream   the upstream, {@code ${ENV}} expanded
     * @param ownTimeout false when a decorator already bounds every attempt with a timer
     */
    public JdbcUpstreamClient(UpstreamDefinition upstream, boolean ownTimeout) {
        this.name = upstream.name();
        this.maxResponseSize = upstream.maxResponseSize();
        this.rowCap = JdbcRows.rowCap(maxResponseSize);
        // only the driver's SQLExceptions carry meaning, and query() names them itself
        this.preamble = new TransportExchange<>(
                name,
                UpstreamRequest.Query.class,
                ownTimeout,
                (error, limitMillis) ->
                        new CallFailure(ErrorType.UPSTREAM_STATUS, name + " failed the query", 500, null));
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
        return preamble.exchange(request, budget, attempt);
    }

    private Mono<UpstreamResponse> send(UpstreamRequest.Query request, long limitMillis) {
        return lane.run(cancellation -> query(request, limitMillis, cancellation));
    }

    private UpstreamResponse query(
            UpstreamRequest.Query request, long limitMillis, BlockingLane.Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            throw new CallFailure(ErrorType.CANCELLED, name + ": cancelled before it started");
        }
        SqlQuery query = request.query();
        try (Connection connection = dataSource.getConnection()) {
            try {
                if (postgres) {
                    try (Statement set = connection.createStatement()) {
                        // a number we computed, not client input
                        set.execute("SET LOCAL statement_timeout = " + limitMillis);
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(
                        query.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    // pgjdbc only cancels a statement while it executes, and holds the connection until a cancel
                    // in progress is done, so a late cancel can never hit the next query on this connection
                    cancellation.onCancel(() -> cancel(statement, request.requestId()));
                    if (cancellation.isCancelled()) {
                        throw new CallFailure(ErrorType.CANCELLED, name + ": cancelled before the query ran");
                    }
                    if (!postgres) {
                        statement.setQueryTimeout((int) Math.max(1, (limitMillis + 999) / 1000));
                    }
                    // a cursor (fetch size, forward-only, inside the transaction) streams rows in batches, so the
                    // size limit stops the read before an oversized answer is in memory; the row cap tells the
                    // database never to produce more rows than could fit
                    statement.setMaxRows(query.single() ? 1 : rowCap);
                    statement.setFetchSize(query.single() ? 1 : JdbcRows.FETCH_SIZE);
                    bind(statement, query.parameters());
                    try (ResultSet rows = statement.executeQuery()) {
                        byte[] body = JdbcRows.write(rows, query.single(), maxResponseSize);
                        return new UpstreamResponse(200, body, UpstreamResponse.Source.NETWORK);
                    }
                }
            } finally {
                connection.rollback();
            }
        } catch (JdbcRows.TooLarge e) {
            throw preamble.tooLarge(maxResponseSize);
        } catch (JdbcRows.NoRow e) {
            throw CallFailure.status(name, 404, null);
        } catch (SQLException e) {
            throw translate(e, request.requestId(), limitMillis, cancellation.isCancelled());
        }
    }

    private void cancel(Statement statement, String requestId) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            log.debug("[{}] cancelling a statement on {} failed: SQLSTATE {}", requestId, name, e.getSQLState());
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

    private CallFailure translate(SQLException e, String requestId, long limitMillis, boolean cancelled) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (cancelled) {
            return new CallFailure(ErrorType.CANCELLED, name + ": the query was cancelled");
        }
        if (e instanceof SQLTimeoutException || state.equals("57014")) {
            return preamble.timedOut(limitMillis);
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": no database connection");
        }
        if (state.startsWith("22")) {
            // data exception: a value the query cannot use (not a number, out of range, ...) is the input's fault
            return new CallFailure(
                    ErrorType.BAD_TEMPLATE_VALUE,
                    name + ": a parameter value does not fit the query" + " (SQLSTATE " + state + ")");
        }
        // the SQLSTATE only: a driver's message can quote parameter values (client data), in logs as in answers
        log.warn("[{}] query on {} failed: SQLSTATE {}", requestId, name, state.isEmpty() ? "none" : state);
        return new CallFailure(
                ErrorType.UPSTREAM_STATUS,
                name + " failed the query" + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")"),
                500,
                null);
    }

    @Override
    public Mono<Void> warmUp() {
        return lane.run(cancellation -> {
                    try (Connection c = dataSource.getConnection()) {
                        c.rollback();
                    }
                    return Boolean.TRUE;
                })
                .then()
                .onErrorResume(e -> Mono.empty());
    }

    @Override
    public void close() {
        lane.closeAfter(dataSource::close);
    }

    BlockingLane lane() {
        return lane;
    }
}

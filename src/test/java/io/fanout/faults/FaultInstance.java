package io.fanout.faults;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.PrivatePostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One Fanout instance in this JVM, in database mode against a {@link PrivatePostgres} the test controls, on a random
 * port; plus blocking HTTP and JDBC helpers for the test thread (never an event loop).
 */
final class FaultInstance implements AutoCloseable {

    static final String ADMIN_TOKEN = "faults-admin-token";
    static final String DATABASE = "fanout";

    private final ConfigurableApplicationContext context;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private FaultInstance(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** Starts an instance; {@code extra} are {@code name=value} properties on top of the database and token. */
    static FaultInstance start(PrivatePostgres postgres, Path config, String... extra) {
        return new FaultInstance(
                new SpringApplicationBuilder(FanoutApplication.class).run(args(postgres, config, extra)));
    }

    /** Command-line arguments (they outrank application.yml, unlike default properties). */
    static String[] args(PrivatePostgres postgres, Path config, String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "fanout.warm-up=false",
                "fanout.config=" + config,
                "FANOUT_ADMIN_TOKEN=" + ADMIN_TOKEN,
                "spring.r2dbc.url=" + postgres.r2dbcUrl(DATABASE),
                "spring.r2dbc.username=" + postgres.username(),
                "spring.r2dbc.password=" + postgres.password(),
                "spring.lifecycle.timeout-per-shutdown-phase=5s",
                "fanout.stall.log-interval=0s"));
        properties.addAll(List.of(extra));
        return properties.stream().map(p -> "--" + p).toArray(String[]::new);
    }

    int port() {
        return port;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    @Override
    public void close() {
        context.close();
    }

    /** One number from the private cluster, or -1 while it does not answer (so it can be polled across a restart). */
    static long queryForLong(PrivatePostgres postgres, String sql) {
        try (Connection connection = postgres.connect(DATABASE, postgres.username(), postgres.password());
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}

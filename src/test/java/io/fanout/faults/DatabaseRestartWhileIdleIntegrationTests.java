package io.fanout.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.PrivatePostgres;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarts while two instances are idle: both keep serving their config through the outage, their
 * config listeners reconnect, a change written through one instance as soon as the database is back reaches the
 * other (no change missed, though its listener may still have been backing off), and admin writes work again on
 * both. Failed writes during the outage are problems, never hangs.
 */
class DatabaseRestartWhileIdleIntegrationTests {

    private static PrivatePostgres postgres;
    private static FakeUpstream upstream;
    private static Path config;
    private static FaultInstance a;
    private static FaultInstance b;

    @BeforeAll
    static void start() throws IOException {
        postgres = PrivatePostgres.create();
        postgres.createDatabase(FaultInstance.DATABASE);
        upstream = FakeUpstream.start();
        upstream.on("*", FakeUpstream.json("{\"ok\":true}"));
        config = Files.createTempFile("fanout-faults-idle", ".yaml");
        Files.writeString(config, config("first"));
        // a short poll interval and a modest backoff cap keep the test short; the defaults are 5 s and 10 s
        String[] listener = {
            "fanout.store.listener.poll-interval=1s",
            "fanout.store.listener.reconnect-max-backoff=3s",
            "spring.r2dbc.pool.max-acquire-time=3s"
        };
        a = FaultInstance.start(postgres, config, listener);
        b = FaultInstance.start(postgres, config, listener);
    }

    @AfterAll
    static void stop() throws IOException {
        for (FaultInstance instance : new FaultInstance[] {a, b}) {
            if (instance != null) {
                instance.close();
            }
        }
        if (upstream != null) {
            upstream.close();
        }
        if (config != null) {
            Files.deleteIfExists(config);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldReconnectMissNoChangeAndAcceptWritesAgainAfterARestart() {
        assertThat(a.get("/first").statusCode()).isEqualTo(200);
        long before = version(a);

        postgres.stop();
        assertThat(a.get("/first").statusCode())
                .as("serving goes on without the database")
                .isEqualTo(200);
        HttpResponse<String> down = put(b, config("during"));
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        postgres.start();

        List<Integer> attempts = new ArrayList<>();
        Eventually.await(
                Duration.ofSeconds(30),
                "an admin write through b after the restart",
                () -> {
                    HttpResponse<String> r = put(b, config("second"));
                    attempts.add(r.statusCode());
                    return r.statusCode() == 200;
                },
                () -> attempts);
        long second = version(b);
        assertThat(second).isGreaterThan(before);
        Eventually.await(
                Duration.ofSeconds(20),
                "a to serve version " + second,
                () -> a.get("/second").statusCode() == 200,
                () -> a.get("/second").statusCode());
        assertThat(a.get("/first").statusCode()).isEqualTo(404);

        HttpResponse<String> fromA = put(a, config("third"));
        assertThat(fromA.statusCode()).as(fromA.body()).isEqualTo(200);
        Eventually.await(
                Duration.ofSeconds(20),
                "b to learn of a's change",
                () -> b.get("/third").statusCode() == 200,
                () -> version(b));
        System.out.printf("database restart while idle: write attempts after the restart %s%n", attempts);
    }

    private static String config(String path) {
        return """
                upstreams:
                  up: { url: "%s", timeout: 5s }
                endpoints:
                  e:
                    path: /%s
                    deadline: 10s
                    calls:
                      x: { upstream: up, path: /x }
                """.formatted(upstream.url(), path);
    }

    private static HttpResponse<String> put(FaultInstance instance, String yaml) {
        return instance.send(HttpRequest.newBuilder(instance.uri("/admin/config"))
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    private static long version(FaultInstance instance) {
        String etag = instance.get("/admin/config").headers().firstValue("ETag").orElse("\"-1\"");
        return Long.parseLong(etag.replace("\"", "").replace("W/", ""));
    }
}

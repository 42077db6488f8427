package io.fanout.edge;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code quota-store: redis} with two application instances on one private Redis: one bucket for the fleet; then
 * Redis is stopped mid-test and each instance meters with its own buckets, says so in a metric and stays UP.
 */
class RedisQuotaIntegrationTests {

    private static final String KEY = "fleet-key-0123456789";
    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static Process redis;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        int redisPort = port;
        Eventually.await(
                Duration.ofSeconds(20),
                "private redis-server accepting connections",
                () -> accepts(redisPort),
                () -> "port " + redisPort);
        UPSTREAM.on("*", json("{\"ok\":true}"));
        Path config = Files.createTempFile("fanout-redis-quota", ".yaml");
        Files.writeString(config, """
                clients:
                  api-keys:
                    keys:
                      fleet-app: { sha256: %s }
                  plans:
                    default: { rate: 1/m, burst: 4 }
                  quota-store: redis
                upstreams:
                  users: { url: "%s" }
                endpoints:
                  me:
                    path: /v1/me
                    auth: required
                    calls:
                      user: { upstream: users, path: "/users/{client.id}" }
                """.formatted(HexFormat.of().formatHex(ApiKeyVerifier.sha256(KEY)), UPSTREAM.url()));
        first = app(config, port);
        second = app(config, port);
    }

    private static ConfigurableApplicationContext app(Path config, int redisPort) {
        return new SpringApplicationBuilder(FanoutApplication.class)
                .run(
                        "--server.port=0",
                        "--fanout.config=" + config,
                        "--fanout.warm-up=false",
                        "--spring.data.redis.host=127.0.0.1",
                        "--spring.data.redis.port=" + redisPort);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        if (redis != null && redis.isAlive()) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        UPSTREAM.close();
    }

    private static WebTestClient client(ConfigurableApplicationContext app) {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static EntityExchangeResult<String> call(ConfigurableApplicationContext app) {
        return client(app)
                .get()
                .uri("/v1/me")
                .header("X-Api-Key", KEY)
                .exchange()
                .expectBody(String.class)
                .returnResult();
    }

    private static double meter(ConfigurableApplicationContext app, String name) {
        MeterRegistry registry = app.getBean(MeterRegistry.class);
        var gauge = registry.find(name).gauge();
        if (gauge != null) {
            return gauge.value();
        }
        var counter = registry.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldShareOneBucketAcrossInstancesAndFallBackToLocalBucketsWhenRedisStops() throws Exception {
        var a1 = call(first);
        var b1 = call(second);
        var a2 = call(first);
        var b2 = call(second);
        var refused = call(first);

        assertThat(a1.getStatus().value()).as(a1.getResponseBody()).isEqualTo(200);
        assertThat(a1.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=3;");
        assertThat(b1.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=2;");
        assertThat(a2.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=1;");
        assertThat(b2.getStatus().value()).isEqualTo(200);
        assertThat(b2.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=0;");
        assertThat(refused.getStatus().value()).isEqualTo(429);
        assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isNotNull();
        assertThat(meter(first, "fanout.edge.quota.store")).isEqualTo(1.0);

        redis.destroy();
        assertThat(redis.waitFor(20, TimeUnit.SECONDS)).isTrue();
        var afterStop = call(first);

        assertThat(afterStop.getStatus().value())
                .as(afterStop.getResponseBody())
                .isEqualTo(200);
        assertThat(afterStop.getResponseHeaders().getFirst("RateLimit")).startsWith("\"default\";r=3;");
        assertThat(meter(first, "fanout.edge.quota.store")).isEqualTo(0.0);
        assertThat(meter(first, "fanout.edge.quota.fallbacks")).isGreaterThanOrEqualTo(1.0);
        client(first)
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }
}

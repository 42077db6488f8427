package io.fanout.config;

import io.fanout.FanoutApplication;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.PrivatePostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Readiness in database mode follows the database, liveness does not: with the instance's PostgreSQL stopped the
 * readiness probe answers 503 (the load balancer stops sending traffic) while liveness stays UP (a restart would
 * not bring the database back), and readiness recovers once the database is back. A {@link PrivatePostgres}
 * cluster, because the test stops it.
 */
@SpringBootTest(
        classes = FanoutApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fanout.warm-up=false",
            "FANOUT_ADMIN_TOKEN=" + HealthGroupsDatabaseModeTests.ADMIN_TOKEN,
            "fanout.store.listener.poll-interval=10m",
            "spring.r2dbc.pool.max-acquire-time=3s",
            "spring.r2dbc.pool.max-create-connection-time=3s"
        })
@AutoConfigureWebTestClient
@DirtiesContext // the cluster stops at JVM exit; the context must be closed first
class HealthGroupsDatabaseModeTests {

    static final String ADMIN_TOKEN = "health-db-admin-token";

    private static final PrivatePostgres cluster = startCluster();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", () -> cluster.r2dbcUrl("fanout"));
        registry.add("spring.r2dbc.username", cluster::username);
        registry.add("spring.r2dbc.password", cluster::password);
    }

    @Autowired
    WebTestClient client;

    @Test
    void shouldTakeReadinessButNotLivenessDownWhileTheDatabaseIsDown() {
        client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        expect("readiness", 200, "UP");
        client.get()
                .uri("/actuator/health/readiness")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectBody()
                .jsonPath("$.components.r2dbc.status")
                .isEqualTo("UP");

        cluster.stop();
        try {
            expect("readiness", 503, "DOWN");
            client.get()
                    .uri("/actuator/health/readiness")
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .exchange()
                    .expectBody()
                    .jsonPath("$.components.r2dbc.status")
                    .isEqualTo("DOWN");
            expect("liveness", 200, "UP");
        } finally {
            cluster.start();
        }

        // the pool may first hand out a connection the restart broke; it is discarded and the next check succeeds
        Eventually.await(
                Duration.ofSeconds(30),
                "readiness UP again",
                () -> client.get()
                                .uri("/actuator/health/readiness")
                                .exchange()
                                .returnResult(String.class)
                                .getStatus()
                                .value()
                        == 200,
                () -> "still not ready");
        expect("readiness", 200, "UP");
    }

    @Test
    void shouldShowTheDatabaseComponentToTheAdminOnly() {
        client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();

        client.get()
                .uri("/actuator/health")
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.r2dbc.status")
                .isEqualTo("UP")
                .jsonPath("$.components.r2dbc.details.database")
                .isEqualTo("PostgreSQL");
        client.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components")
                .doesNotExist();
    }

    private void expect(String group, int status, String state) {
        client.get()
                .uri("/actuator/health/" + group)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(state);
    }

    private static PrivatePostgres startCluster() {
        PrivatePostgres started = PrivatePostgres.create();
        started.createDatabase("fanout");
        return started;
    }
}

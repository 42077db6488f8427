package io.fanout.testsupport;

import io.fanout.compile.ConfigPipeline;
import io.fanout.engine.ActiveConfig;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the HTTP-level tests: one shared application context (no config file), three fake upstreams on loopback
 * sockets, and {@link #install(String)} to swap in a config for the test at hand. {@code ${A}}, {@code ${B}},
 * {@code ${C}} in the YAML are replaced with the fake upstreams' URLs.
 */
// fanout.stall.log-interval=0s: a stall warning of an earlier test must not silence the one a stall test expects
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fanout.warm-up=false",
            "FANOUT_ADMIN_TOKEN=" + FanoutIntegrationTests.ADMIN_TOKEN,
            "fanout.stall.log-interval=0s"
        })
@AutoConfigureWebTestClient
public abstract class FanoutIntegrationTests {

    /** The admin token of the shared test context. */
    public static final String ADMIN_TOKEN = "test-admin-token";

    protected static final FakeUpstream A = Upstreams.A;
    protected static final FakeUpstream B = Upstreams.B;
    protected static final FakeUpstream C = Upstreams.C;

    private static final AtomicLong VERSION = new AtomicLong(100);

    @Autowired
    protected WebTestClient client;

    @Autowired
    protected ActiveConfig active;

    @Autowired
    protected ConfigPipeline pipeline;

    @LocalServerPort
    protected int port;

    @BeforeEach
    void resetUpstreams() {
        // generous: a loaded 2-core CI box can take seconds for a request the test expects in milliseconds
        client = client.mutate()
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .build();
        A.reset();
        B.reset();
        C.reset();
    }

    /** The whole {@code /actuator/prometheus} scrape (larger than the codec's default buffer once meters pile up). */
    protected String scrape() {
        return client.mutate()
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    protected void install(String yaml) {
        String resolved = yaml.replace("${A}", A.url()).replace("${B}", B.url()).replace("${C}", C.url());
        active.swap(pipeline.load(ConfigPipeline.read(resolved), VERSION.incrementAndGet(), active.current()));
    }

    /** The fake upstreams live for the whole test JVM, like the shared Spring context. */
    private static final class Upstreams {
        static final FakeUpstream A = FakeUpstream.start();
        static final FakeUpstream B = FakeUpstream.start();
        static final FakeUpstream C = FakeUpstream.start();
    }
}

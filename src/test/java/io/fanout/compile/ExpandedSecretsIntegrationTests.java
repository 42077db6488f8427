package io.fanout.compile;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fanout.admin.AdminRoutes;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.CompositeResult;
import io.fanout.engine.Engine;
import io.fanout.engine.RequestInput;
import io.fanout.json.JsonBytes;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.RouteTable;
import io.fanout.reload.FileConfigSource;
import io.fanout.render.Envelope;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.fanout.upstream.transport.UpstreamTransports;
import io.fanout.web.auth.BearerTokenAuthenticator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A {@code ${NAME}} header reaches a real upstream expanded, while the admin API shows it as written and no log line
 * ever holds its value: not while loading, not while calling, not when the call fails.
 */
class ExpandedSecretsIntegrationTests {

    private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FakeUpstream upstream = FakeUpstream.start();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger fanoutLogger = (Logger) LoggerFactory.getLogger("io.fanout");
    private Level previousLevel;
    private CompiledConfig config;

    @BeforeEach
    void captureLogs() {
        previousLevel = fanoutLogger.getLevel();
        fanoutLogger.setLevel(Level.DEBUG);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void restore() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        fanoutLogger.setLevel(previousLevel);
        if (config != null) {
            config.close();
        }
        upstream.close();
    }

    @Test
    void shouldSendTheExpandedHeaderUpstreamAndShowItNowhereElse() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConfigPipeline pipeline = new ConfigPipeline(
                u -> new ResilientUpstreamClient(
                        UpstreamTransports.withPolicyDefaults(u), UpstreamTransports.transport(u, false), registry),
                registry,
                ConfigEnvironment.fileMode(Map.of("USERS_TOKEN", SECRET)::get));
        config = pipeline.load(ConfigPipeline.read("""
                upstreams:
                  users:
                    url: "%s"
                    headers: { Authorization: "Bearer ${USERS_TOKEN}" }
                endpoints:
                  e:
                    path: /e
                    calls:
                      ok: { upstream: users, path: /ok }
                      broken: { upstream: users, path: /broken, required: false }
                """.formatted(upstream.url())), 1, null);
        upstream.on("/ok", json("{\"ok\":true}"));
        upstream.on("/broken", FakeUpstream.status(500, "{}"));

        CompositeResult answer = run(config);
        ActiveConfig active = new ActiveConfig(config, false);
        String adminView = new String(WebTestClient.bindToRouterFunction(new AdminRoutes(
                                active,
                                new BearerTokenAuthenticator("t0ken"),
                                new FileConfigSource(active, pipeline, "test"))
                        .routes())
                .build()
                .get()
                .uri("/admin/config")
                .header("Authorization", "Bearer t0ken")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBodyContent());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.seen())
                .hasSize(2)
                .allSatisfy(seen -> assertThat(seen.header("Authorization")).isEqualTo("Bearer " + SECRET));
        assertThat(adminView).contains("Bearer ${USERS_TOKEN}").doesNotContain(SECRET);
        assertThat(logs.list).as("something was logged, at DEBUG too").isNotEmpty();
        assertThat(logs.list)
                .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(SECRET));
        assertThat(logs.list)
                .noneSatisfy(e -> assertThat(String.valueOf(
                                e.getThrowableProxy() == null
                                        ? ""
                                        : e.getThrowableProxy().getMessage()))
                        .contains(SECRET));
    }

    private static CompositeResult run(CompiledConfig config) {
        RouteTable.Found found = (RouteTable.Found) config.routes().find("GET", "/e");
        RequestInput input = new RequestInput("secrets-test", found.pathVariables(), name -> null, name -> null, null);
        Engine engine = new Engine();
        return engine.answer(engine.start(found.endpoint(), input, false)).block(WAIT);
    }

    private static String rendered(CompositeResult result) {
        JsonBytes out = Envelope.render(result);
        return new String(out.buffer(), 0, out.size(), java.nio.charset.StandardCharsets.UTF_8);
    }
}

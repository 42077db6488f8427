package io.fanout.engine;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.ConfigEnvironment;
import io.fanout.compile.ConfigPipeline;
import io.fanout.json.JsonBytes;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.RouteTable;
import io.fanout.render.Envelope;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC §7: a for-each list longer than {@code max-items} fails the call before any element call is sent. */
class ForEachMaxItemsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FakeUpstream upstream = FakeUpstream.start();
    private CompiledConfig config;

    @AfterEach
    void close() {
        if (config != null) {
            config.close();
        }
        upstream.close();
    }

    private CompositeResult run(String maxItems, int elements) {
        config = new ConfigPipeline(HttpUpstreamClient::new, new SimpleMeterRegistry(), ConfigEnvironment.empty())
                .load(ConfigPipeline.read("""
                        upstreams:
                          u: { url: "%s" }
                        endpoints:
                          e:
                            path: /e
                            calls:
                              list: { upstream: u, path: /list }
                              each: { upstream: u, path: "/item/{item.id}", for-each: list.items, required: false%s }
                        """.formatted(upstream.url(), maxItems)), 1, null);
        String items = IntStream.range(0, elements)
                .mapToObj(i -> "{\"id\":" + i + "}")
                .collect(Collectors.joining(",", "{\"items\":[", "]}"));
        upstream.on("/list", json(items));
        upstream.on("*", json("{}"));
        RouteTable.Found found = (RouteTable.Found) config.routes().find("GET", "/e");
        Engine engine = new Engine();
        return engine.answer(engine.start(
                        found.endpoint(),
                        new RequestInput("max-items", found.pathVariables(), name -> null, name -> null, null),
                        false))
                .block(WAIT);
    }

    @Test
    void shouldRefuseALongerListWithInvalidResponseBeforeSendingAnyElementCall() {
        CompositeResult answer = run(", max-items: 3", 4);

        String body = rendered(answer);
        assertThat(body).contains("\"type\":\"invalid-response\"").contains("more than max-items 3");
        assertThat(upstream.seen("/item")).as("no element call is sent").isEmpty();
    }

    @Test
    void shouldRunAListOfExactlyMaxItems() {
        CompositeResult answer = run(", max-items: 3", 3);

        assertThat(answer.partial()).isFalse();
        assertThat(upstream.seen("/item")).hasSize(3);
    }

    @Test
    void shouldDefaultToAThousandItems() {
        CompositeResult refused = run("", 1001);

        assertThat(rendered(refused)).contains("more than max-items 1000");
        assertThat(upstream.seen("/item")).isEmpty();
    }

    private static String rendered(CompositeResult result) {
        JsonBytes out = Envelope.render(result);
        return new String(out.buffer(), 0, out.size(), java.nio.charset.StandardCharsets.UTF_8);
    }
}

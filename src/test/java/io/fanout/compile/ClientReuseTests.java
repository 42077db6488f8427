package io.fanout.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.plan.CompiledConfig;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.http.HttpUpstreamClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientReuseTests {

    private final List<UpstreamClient> created = new ArrayList<>();
    private final ConfigPipeline compiler = new ConfigPipeline(
            u -> {
                UpstreamClient c = new HttpUpstreamClient(u);
                created.add(c);
                return c;
            },
            new SimpleMeterRegistry(),
            ConfigEnvironment.empty());

    private static final String V1 = """
            upstreams:
              a: { url: "http://127.0.0.1:1", timeout: 1s }
              b: { url: "http://127.0.0.1:2" }
            endpoints:
              e:
                path: /e
                calls:
                  x: { upstream: a, path: /x }
            """;

    @Test
    void shouldKeepClientsOfUnchangedUpstreamsAcrossVersions() {
        CompiledConfig v1 = TestConfigs.compile(compiler, V1, 1, null);

        CompiledConfig v2 = TestConfigs.compile(
                compiler, V1.replace("path: /x", "path: /y").replace("127.0.0.1:2", "127.0.0.1:3"), 2, v1);

        assertThat(v2.upstreams().get("a")).isSameAs(v1.upstreams().get("a"));
        assertThat(v2.upstreams().get("b")).isNotSameAs(v1.upstreams().get("b"));
        assertThat(created).hasSize(3);
        v1.closeReplacedBy(v2);
        v2.close();
    }

    @Test
    void shouldBuildANewClientWhenAnUpstreamSettingChanges() {
        CompiledConfig v1 = TestConfigs.compile(compiler, V1, 1, null);

        CompiledConfig v2 = TestConfigs.compile(compiler, V1.replace("timeout: 1s", "timeout: 2s"), 2, v1);

        assertThat(v2.upstreams().get("a")).isNotSameAs(v1.upstreams().get("a"));
        assertThat(v2.upstreams().get("b")).isSameAs(v1.upstreams().get("b"));
        v1.closeReplacedBy(v2);
        v2.close();
    }
}

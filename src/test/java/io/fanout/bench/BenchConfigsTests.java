package io.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.compile.ConfigPipeline;
import io.fanout.compile.TestConfigs;
import io.fanout.compile.ValidatedConfig;
import io.fanout.definition.UpstreamDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The load harness's configs (bench/*.yaml) stay valid as the config language moves on. */
class BenchConfigsTests {

    private final ConfigPipeline pipeline = TestConfigs.pipeline(name -> null);

    private ValidatedConfig validated(String file) {
        return pipeline.validate(ConfigPipeline.read(Path.of("bench", file)));
    }

    @Test
    void shouldKeepTheNoPolicyBenchConfigValid() {
        ValidatedConfig config = validated("fanout.yaml");

        assertThat(config.problems()).isEmpty();
        assertThat(config.definition().upstreams().values())
                .allSatisfy(u -> assertThat(u.bulkhead()).isNull());
    }

    @Test
    void shouldPutEveryPolicyOfIssue16OnEveryUpstreamOfThePolicyBenchConfig() {
        ValidatedConfig plain = validated("fanout.yaml");
        ValidatedConfig config = validated("fanout-policies.yaml");

        assertThat(config.problems()).isEmpty();
        assertThat(config.definition().upstreams().keySet())
                .isEqualTo(plain.definition().upstreams().keySet());
        assertThat(config.definition().endpoints()).isEqualTo(plain.definition().endpoints());
        for (UpstreamDefinition u : config.definition().upstreams().values()) {
            assertThat(u.bulkhead().maxConcurrent()).isEqualTo(256);
            assertThat(u.bulkhead().maxWait()).hasMillis(50);
            assertThat(u.rateLimit().rate().perSecond()).isEqualTo(1_000_000.0);
            assertThat(u.retry().attempts()).isEqualTo(2);
            assertThat(u.retry().budget()).isEqualTo(0.2);
            assertThat(u.circuitBreaker()).isNotNull();
            assertThat(u.hedge().after()).hasMillis(200);
            assertThat(u.hedge().budget()).isEqualTo(0.05);
        }
    }
}

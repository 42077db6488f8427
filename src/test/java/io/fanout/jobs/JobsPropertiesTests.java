package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.store.StoreProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Bean Validation of {@code fanout.jobs.*} and {@code fanout.store.*}: a bad value fails start-up naming it. */
class JobsPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({JobsProperties.class, StoreProperties.class})
    static class Properties {}

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(Properties.class);

    @Test
    void shouldStartWithTheDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(JobsProperties.class).workers()).isEqualTo(64);
            assertThat(context.getBean(StoreProperties.class).listener().pollInterval())
                    .hasSeconds(5);
        });
    }

    @Test
    void shouldFailStartUpNamingABadJobsProperty() {
        assertStartUpFails("fanout.jobs.workers=0", "fanout.jobs", "workers", "must be greater than 0");
        assertStartUpFails("fanout.jobs.lease=0s", "fanout.jobs", "lease", "must be longer than 0");
        assertStartUpFails("fanout.jobs.shutdown-grace=-1s", "fanout.jobs", "shutdownGrace", "must be longer than");
        assertStartUpFails("fanout.jobs.max-line-length=0B", "fanout.jobs", "maxLineLength", "must be between 1 and");
        assertStartUpFails(
                "fanout.jobs.max-concurrency=8",
                "fanout.jobs",
                "defaultConcurrencyAtMostMax",
                "default-concurrency must be at most max-concurrency");
    }

    @Test
    void shouldFailStartUpNamingABadStoreProperty() {
        assertStartUpFails(
                "fanout.store.listener.poll-interval=0ms",
                "fanout.store",
                "listener.pollInterval",
                "must be longer than 0");
        assertStartUpFails(
                "fanout.store.listener.reconnect-max-backoff=10ms",
                "fanout.store",
                "listener.reconnectMaxBackoffAtLeastBackoff",
                "must be at least reconnect-backoff");
    }

    private void assertStartUpFails(String property, String prefix, String field, String reason) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            StringBuilder chain = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                chain.append(t.getMessage()).append('\n');
            }
            assertThat(chain.toString())
                    .as(property)
                    .contains("Failed to bind properties under '" + prefix + "'")
                    .contains("on field '" + field + "'")
                    .contains(reason);
        });
    }
}

package io.fanout.definition;

import static io.fanout.definition.ConfigAssertions.problem;
import static io.fanout.definition.ConfigAssertions.problems;
import static io.fanout.definition.ConfigAssertions.usersWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fanout.compile.TestConfigs;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyValidationTests {

    private static UpstreamDefinition users(String settings) {
        return TestConfigs.parseYaml(usersWith(settings)).upstreams().get("users");
    }

    @Test
    void shouldTreatFalseAsNoPolicy() {
        UpstreamDefinition users = users("""
                bulkhead: false
                rate-limit: false
                retry: false
                circuit-breaker: false
                hedge: false
                cache: false
                """);

        assertThat(users).isEqualTo(UpstreamDefinition.http("users", "http://localhost:18081"));
    }

    @Test
    void shouldTreatTrueAsThePolicyWithItsDefaults() {
        UpstreamDefinition users = users("retry: true\ncircuit-breaker: true\ncache: true");

        assertThat(users.retry())
                .isEqualTo(new RetryDefinition(
                        3, Duration.ofMillis(25), Duration.ofSeconds(1), true, false, Set.of(502, 503, 504), 0.2));
        assertThat(users.circuitBreaker())
                .isEqualTo(new CircuitBreakerDefinition(
                        0.5, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(20), 20, Duration.ofSeconds(10)));
        assertThat(users.cache()).isEqualTo(new CacheDefinition(Duration.ZERO, Duration.ZERO, 10_000));
    }

    @Test
    void shouldReportRequiredSettingsOfAPolicyGivenAsTrue() {
        ConfigProblem problem = problem(usersWith("hedge: true"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.hedge.after", "required key 'after' is missing", null));
    }

    @Test
    void shouldRejectAPolicyThatIsNotAMap() {
        ConfigProblem problem = problem(usersWith("retry: 3"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.retry", "expected a map of settings (or false) but was the number 3", null));
    }

    @Test
    void shouldRejectUnknownPolicyKeyWithSuggestion() {
        ConfigProblem problem = problem(usersWith("bulkhead: { max-concurrent: 1, max-wiat: 5ms }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.bulkhead.max-wiat");
        assertThat(problem.message()).isEqualTo("unknown key 'max-wiat'");
        assertThat(problem.hint()).isEqualTo("did you mean 'max-wait'? allowed: max-concurrent, max-wait, batch-share");
    }

    @Test
    void shouldApplyBulkheadDefaults() {
        assertThat(users("bulkhead: { max-concurrent: 10 }").bulkhead())
                .isEqualTo(new BulkheadDefinition(10, Duration.ZERO, 0.5));
    }

    @Test
    void shouldRequireBulkheadMaxConcurrent() {
        ConfigProblem problem = problem(usersWith("bulkhead: { max-wait: 5ms }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.bulkhead.max-concurrent");
        assertThat(problem.message()).isEqualTo("required key 'max-concurrent' is missing");
    }

    @Test
    void shouldRejectBulkheadMaxConcurrentBelowOne() {
        ConfigProblem problem = problem(usersWith("bulkhead: { max-concurrent: 0 }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.bulkhead.max-concurrent", "must be at least 1 but was 0", null));
    }

    @Test
    void shouldRejectABatchShareOfZero() {
        ConfigProblem problem = problem(usersWith("bulkhead: { max-concurrent: 1, batch-share: 0% }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.bulkhead.batch-share", "must be more than 0% but was 0%", null));
    }

    @Test
    void shouldRejectABatchShareAboveHundredPercent() {
        ConfigProblem problem = problem(usersWith("bulkhead: { max-concurrent: 1, batch-share: 150% }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.bulkhead.batch-share");
        assertThat(problem.message()).isEqualTo("invalid ratio '150%'");
    }

    @Test
    void shouldDefaultRateLimitBurstToOneSecondOfPermits() {
        assertThat(users("rate-limit: { rate: 500/s }").rateLimit())
                .isEqualTo(new RateLimitDefinition(new Rate(500, Duration.ofSeconds(1)), 500, Duration.ZERO));
        assertThat(users("rate-limit: { rate: 30/m }").rateLimit().burst()).isEqualTo(1);
    }

    @Test
    void shouldRequireARateLimitRate() {
        ConfigProblem problem = problem(usersWith("rate-limit: { burst: 5 }"));

        assertThat(problem)
                .isEqualTo(
                        new ConfigProblem("upstreams.users.rate-limit.rate", "required key 'rate' is missing", null));
    }

    @Test
    void shouldRejectAnInvalidRate() {
        ConfigProblem problem = problem(usersWith("rate-limit: { rate: 500 per second }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.rate-limit.rate",
                        "invalid rate '500 per second'",
                        "use e.g. 500/s, 30/m, 10/h"));
    }

    @Test
    void shouldRejectARateLimitBurstBelowOne() {
        ConfigProblem problem = problem(usersWith("rate-limit: { rate: 5/s, burst: 0 }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.rate-limit.burst");
        assertThat(problem.message()).isEqualTo("must be at least 1 but was 0");
    }

    @Test
    void shouldRejectRetryAttemptsBelowOne() {
        ConfigProblem problem = problem(usersWith("retry: { attempts: 0 }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.retry.attempts", "must be at least 1 but was 0", null));
    }

    @Test
    void shouldRejectAMaxBackoffBelowTheBackoff() {
        ConfigProblem problem = problem(usersWith("retry: { backoff: 100ms, max-backoff: 50ms }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.retry.max-backoff", "must be at least backoff (100ms) but was 50ms", null));
    }

    @Test
    void shouldReadRetryStatusesGivenAsNumbersOrStrings() {
        RetryDefinition retry = users("retry: { on: [408, '429', \"500\", 599, connect-error] }")
                .retry();

        assertThat(retry.onStatuses()).containsExactly(408, 429, 500, 599);
        assertThat(retry.onConnectError()).isTrue();
        assertThat(retry.onTimeout()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 400, 200, 600, 499})
    void shouldRejectRetryStatusesThatAreNotRetryable(int status) {
        ConfigProblem problem = problem(usersWith("retry: { on: [connect-error, " + status + "] }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.retry.on[1]");
        assertThat(problem.message()).isEqualTo("status " + status + " is not retryable");
        assertThat(problem.hint()).startsWith("retry 408, 429 or 500-599");
    }

    @Test
    void shouldRejectUnknownRetryConditionsWithSuggestion() {
        ConfigProblem problem = problem(usersWith("retry: { on: [timeouts] }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.retry.on[0]",
                        "unknown retry condition 'timeouts'",
                        "did you mean 'timeout'? use connect-error, timeout or a status (408, 429, 500-599)"));
    }

    @Test
    void shouldRejectRetryOnThatIsNotAList() {
        ConfigProblem problem = problem(usersWith("retry: { on: timeout }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.retry.on", "expected a list but was the string 'timeout'", null));
    }

    @Test
    void shouldRejectARetryBudgetWithoutPercentSign() {
        ConfigProblem problem = problem(usersWith("retry: { budget: 0.2 }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.retry.budget");
        assertThat(problem.message()).isEqualTo("invalid ratio '0.2'");
    }

    @Test
    void shouldRejectACircuitBreakerWindowThatIsNotWholeSeconds() {
        ConfigProblem problem = problem(usersWith("circuit-breaker: { window: 1500ms }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        "upstreams.users.circuit-breaker.window", "must be whole seconds but was 1500ms", "e.g. 20s"));
    }

    @Test
    void shouldRejectACircuitBreakerWindowBelowOneSecond() {
        ConfigProblem problem = problem(usersWith("circuit-breaker: { window: 500ms }"));

        assertThat(problem.message()).isEqualTo("must be at least 1s but was 500ms");
    }

    @Test
    void shouldRejectCircuitBreakerRatesOfZero() {
        assertThat(problems(usersWith("circuit-breaker: { failure-rate: 0%, slow-call-rate: 0% }")))
                .extracting(ConfigProblem::location, ConfigProblem::message)
                .containsExactly(
                        tuple("upstreams.users.circuit-breaker.failure-rate", "must be more than 0% but was 0%"),
                        tuple("upstreams.users.circuit-breaker.slow-call-rate", "must be more than 0% but was 0%"));
    }

    @Test
    void shouldRejectCircuitBreakerMinCallsBelowOne() {
        ConfigProblem problem = problem(usersWith("circuit-breaker: { min-calls: 0 }"));

        assertThat(problem.location()).isEqualTo("upstreams.users.circuit-breaker.min-calls");
        assertThat(problem.message()).isEqualTo("must be at least 1 but was 0");
    }

    @Test
    void shouldApplyHedgeBudgetDefault() {
        assertThat(users("hedge: { after: 100ms }").hedge())
                .isEqualTo(new HedgeDefinition(Duration.ofMillis(100), 0.05));
    }

    @Test
    void shouldRejectAHedgeAfterOfZero() {
        ConfigProblem problem = problem(usersWith("hedge: { after: 0ms }"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem("upstreams.users.hedge.after", "must be at least 1ms but was 0ms", null));
    }

    @Test
    void shouldRejectCacheMaxEntriesBelowOne() {
        ConfigProblem problem = problem(usersWith("cache: { ttl: 1s, max-entries: 0 }"));

        assertThat(problem)
                .isEqualTo(
                        new ConfigProblem("upstreams.users.cache.max-entries", "must be at least 1 but was 0", null));
    }

    @Test
    void shouldAcceptZeroCacheDurations() {
        assertThat(users("cache: { ttl: 0s, stale-if-error: 0ms }").cache())
                .isEqualTo(new CacheDefinition(Duration.ZERO, Duration.ZERO, 10_000));
    }
}

package io.fanout.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-flight bound and the adaptive limit, driven by a fake clock: no sleeping, no real latency. */
class AdmissionLimitTests {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void shouldAdmitUpToAFixedLimitAndRefuseTheNextAtOnce() {
        AdmissionLimit limit = AdmissionLimit.fixed(3);

        List<AdmissionLimit.Permit> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(limit.tryAcquire());
        }

        assertThat(held).doesNotContainNull();
        assertThat(limit.tryAcquire()).isNull();
        assertThat(limit.refusals()).isEqualTo(1);
        assertThat(limit.inFlight()).isEqualTo(3);
        held.get(0).release(false);
        assertThat(limit.tryAcquire()).isNotNull();
        assertThat(limit.inFlight()).isEqualTo(3);
    }

    @Test
    void shouldCountAReleaseOnlyOnceHoweverOftenItIsCalled() {
        AdmissionLimit limit = AdmissionLimit.fixed(2);
        AdmissionLimit.Permit permit = limit.tryAcquire();
        limit.tryAcquire();

        permit.release(false);
        permit.release(true);
        permit.release(false);

        assertThat(limit.inFlight()).isEqualTo(1);
    }

    @Test
    void shouldGrowTheAdaptiveLimitWhileLatencyHoldsUnderFullLoad() {
        AdmissionLimit limit = adaptive(50, 10, 1000);

        runSaturated(limit, Duration.ofMillis(10), Duration.ofSeconds(30));

        assertThat(limit.limit()).isGreaterThan(50);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void shouldShrinkTheAdaptiveLimitWhenLatencyRisesAndNeverBelowTheMinimum() {
        AdmissionLimit limit = adaptive(100, 20, 1000);
        runSaturated(limit, Duration.ofMillis(10), Duration.ofSeconds(20));
        int steady = limit.limit();

        runSaturated(limit, Duration.ofMillis(200), Duration.ofSeconds(20));
        int queued = limit.limit();
        runSaturated(limit, Duration.ofSeconds(2), Duration.ofSeconds(120));

        assertThat(queued).isLessThan(steady);
        assertThat(limit.limit()).isGreaterThanOrEqualTo(20).isLessThan(queued);
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void shouldNotGrowTheLimitWhenTheInstanceIsNotUsingIt() {
        AdmissionLimit limit = adaptive(100, 20, 1000);

        // 5 requests at a time, far under half the limit: latency says nothing about capacity
        for (long end = clock.get() + Duration.ofSeconds(30).toNanos(); clock.get() < end; ) {
            List<AdmissionLimit.Permit> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(limit.tryAcquire());
            }
            clock.addAndGet(Duration.ofMillis(10).toNanos());
            batch.forEach(p -> p.release(false));
        }

        assertThat(limit.limit()).isEqualTo(100);
    }

    @Test
    void shouldNeverExceedTheMaximum() {
        AdmissionLimit limit = adaptive(10, 5, 40);

        runSaturated(limit, Duration.ofMillis(5), Duration.ofSeconds(120));

        assertThat(limit.limit()).isLessThanOrEqualTo(40).isGreaterThan(10);
    }

    @Test
    void shouldNameTheBadValueOfMaxInFlight() {
        assertThat(AdmissionProperties.mode("adaptive")).isEqualTo(-1);
        assertThat(AdmissionProperties.mode(" OFF ")).isZero();
        assertThat(AdmissionProperties.mode("250")).isEqualTo(250);
        assertThatThrownBy(() -> AdmissionProperties.mode("0"))
                .hasMessageContaining("fanout.server.max-in-flight")
                .hasMessageContaining("'0'");
        assertThatThrownBy(() -> AdmissionProperties.mode("lots")).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> new AdmissionProperties.Adaptive(10, 20, 100)).hasMessageContaining("min-limit=20");
    }

    private AdmissionLimit adaptive(int initial, int min, int max) {
        return AdmissionLimit.adaptive(new AdmissionProperties.Adaptive(initial, min, max), clock::get);
    }

    /** Rounds of as many requests as the limit admits, each taking {@code latency} of fake time. */
    private void runSaturated(AdmissionLimit limit, Duration latency, Duration total) {
        for (long end = clock.get() + total.toNanos(); clock.get() < end; ) {
            List<AdmissionLimit.Permit> batch = new ArrayList<>();
            AdmissionLimit.Permit p;
            while ((p = limit.tryAcquire()) != null) {
                batch.add(p);
            }
            clock.addAndGet(latency.toNanos());
            batch.forEach(permit -> permit.release(false));
        }
    }
}

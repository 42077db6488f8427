package io.fanout.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

    @ParameterizedTest
    @EnumSource(AdmissionProperties.Algorithm.class)
    void shouldGrowTheAdaptiveLimitWhileLatencyHoldsUnderFullLoad(AdmissionProperties.Algorithm algorithm) {
        AdmissionLimit limit = adaptive(algorithm, 50, 10, 1000);

        runSaturated(limit, Duration.ofMillis(10), Duration.ofSeconds(30));

        assertThat(limit.limit()).isGreaterThan(50);
        assertThat(limit.inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AdmissionProperties.Algorithm.class)
    void shouldShrinkTheAdaptiveLimitWhenLatencyRisesAndNeverBelowTheMinimum(AdmissionProperties.Algorithm algorithm) {
        AdmissionLimit limit = adaptive(algorithm, 100, 20, 1000);
        runSaturated(limit, Duration.ofMillis(10), Duration.ofSeconds(20));
        int steady = limit.limit();

        runSaturated(limit, Duration.ofMillis(200), Duration.ofSeconds(20));
        int queued = limit.limit();
        runSaturated(limit, Duration.ofSeconds(2), Duration.ofSeconds(120));

        assertThat(queued).isLessThan(steady);
        assertThat(limit.limit()).isGreaterThanOrEqualTo(20).isLessThan(queued);
        assertThat(limit.inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AdmissionProperties.Algorithm.class)
    void shouldNotGrowTheLimitWhenTheInstanceIsNotUsingIt(AdmissionProperties.Algorithm algorithm) {
        AdmissionLimit limit = adaptive(algorithm, 100, 20, 1000);

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

    @ParameterizedTest
    @EnumSource(AdmissionProperties.Algorithm.class)
    void shouldNeverExceedTheMaximum(AdmissionProperties.Algorithm algorithm) {
        AdmissionLimit limit = adaptive(algorithm, 10, 5, 40);

        runSaturated(limit, Duration.ofMillis(5), Duration.ofSeconds(120));

        assertThat(limit.limit()).isLessThanOrEqualTo(40).isGreaterThan(10);
    }

    @Test
    void shouldSettleJustAboveTheCapacityWithVegasWhateverTheStartWasLike() {
        // an instance that serves 100 requests at once in 20 ms and shares its CPU beyond that (latency grows with
        // the excess), started cold under 64 requests at a time: 10 s at three times the latency, then 10 s warm
        AdmissionLimit limit = adaptive(AdmissionProperties.Algorithm.VEGAS, 100, 20, 1000);
        runSteady(limit, 64, Duration.ofMillis(60), Duration.ofSeconds(10));
        runSteady(limit, 64, Duration.ofMillis(20), Duration.ofSeconds(10));

        Duration latency = runSharing(limit, 100, Duration.ofMillis(20), Duration.ofSeconds(120));

        // Vegas keeps 3-6 x log10(limit) requests queued: a limit a little over the capacity, latency within 15 %
        assertThat(limit.limit()).isBetween(100, 115);
        assertThat(latency).isLessThanOrEqualTo(Duration.ofMillis(23));
    }

    @Test
    void shouldFollowALastingRiseOfTheUpstreamsLatencyWithVegas() {
        // the instance's own capacity stays, but every request now waits 60 ms upstream instead of 20: Vegas first
        // reads that as queueing and lowers the limit, then its periodic re-measurement of the lowest latency
        // (every 2.5-5 x limit windows) takes the new latency as the one without queueing, and the limit recovers
        AdmissionLimit limit = adaptive(AdmissionProperties.Algorithm.VEGAS, 100, 20, 1000);
        runSteady(limit, 64, Duration.ofMillis(20), Duration.ofSeconds(10));
        int before = limit.limit();

        runSteady(limit, Integer.MAX_VALUE, Duration.ofMillis(60), Duration.ofSeconds(30));
        int lowered = limit.limit();
        int lowest = lowered;
        for (int second = 0; second < 180; second++) {
            runSteady(limit, Integer.MAX_VALUE, Duration.ofMillis(60), Duration.ofSeconds(1));
            lowest = Math.min(lowest, limit.limit());
        }

        assertThat(lowered).isLessThan(before);
        assertThat(lowest).isGreaterThanOrEqualTo(20);
        assertThat(limit.limit()).as("3 minutes later").isGreaterThan(lowered).isGreaterThan(lowest);
    }

    @Test
    void shouldBindGradient2WithOneSecondWindowsByDefaultAndVegasOnRequest() {
        AdmissionProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("fanout.server", AdmissionProperties.class);
        AdmissionProperties vegas = new Binder(new MapConfigurationPropertySource(
                        Map.of("fanout.server.adaptive.algorithm", "vegas", "fanout.server.adaptive.window", "250ms")))
                .bindOrCreate("fanout.server", AdmissionProperties.class);

        assertThat(defaults.maxInFlight()).isEqualTo("adaptive");
        assertThat(defaults.adaptive().algorithm()).isEqualTo(AdmissionProperties.Algorithm.GRADIENT2);
        assertThat(defaults.adaptive().window()).isEqualTo(Duration.ofSeconds(1));
        assertThat(vegas.adaptive().algorithm()).isEqualTo(AdmissionProperties.Algorithm.VEGAS);
        assertThat(vegas.adaptive().window()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void shouldNameABadWindow() {
        assertThatThrownBy(() -> new AdmissionProperties.Adaptive(
                        100, 20, 1000, AdmissionProperties.Algorithm.VEGAS, Duration.ofMillis(1)))
                .hasMessageContaining("fanout.server.adaptive.window")
                .hasMessageContaining("PT0.001S");
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
        assertThatThrownBy(() -> new AdmissionProperties.Adaptive(
                        10, 20, 100, AdmissionProperties.Algorithm.GRADIENT2, Duration.ofSeconds(1)))
                .hasMessageContaining("min-limit=20");
    }

    private AdmissionLimit adaptive(AdmissionProperties.Algorithm algorithm, int initial, int min, int max) {
        return AdmissionLimit.adaptive(
                new AdmissionProperties.Adaptive(initial, min, max, algorithm, Duration.ofSeconds(1)), clock::get);
    }

    /**
     * Rounds of as many requests as the limit admits against an instance that serves {@code capacity} at once in
     * {@code base} and shares its CPU beyond that; returns the latency of the last round.
     */
    private Duration runSharing(AdmissionLimit limit, int capacity, Duration base, Duration total) {
        long latency = base.toNanos();
        for (long end = clock.get() + total.toNanos(); clock.get() < end; ) {
            List<AdmissionLimit.Permit> batch = new ArrayList<>();
            AdmissionLimit.Permit p;
            while ((p = limit.tryAcquire()) != null) {
                batch.add(p);
            }
            latency = base.toNanos() * Math.max(capacity, batch.size()) / capacity;
            clock.addAndGet(latency);
            batch.forEach(permit -> permit.release(false));
        }
        return Duration.ofNanos(latency);
    }

    /** Rounds of {@code load} requests (or as many as the limit admits, if fewer) taking {@code latency} each. */
    private void runSteady(AdmissionLimit limit, int load, Duration latency, Duration total) {
        for (long end = clock.get() + total.toNanos(); clock.get() < end; ) {
            List<AdmissionLimit.Permit> batch = new ArrayList<>();
            AdmissionLimit.Permit p;
            while (batch.size() < load && (p = limit.tryAcquire()) != null) {
                batch.add(p);
            }
            clock.addAndGet(latency.toNanos());
            batch.forEach(permit -> permit.release(false));
        }
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

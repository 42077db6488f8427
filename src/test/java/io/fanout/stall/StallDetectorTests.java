package io.fanout.stall;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog's bookkeeping on a target it controls: one probe at a time, one stall per late probe. */
class StallDetectorTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Runnable> queued = new ArrayList<>();

    private final StallDetector.Target target = new StallDetector.Target() {
        @Override
        public String scheduler() {
            return "netty";
        }

        @Override
        public String fallbackName() {
            return "loop-0";
        }

        @Override
        public void execute(Runnable probe) {
            queued.add(probe);
        }
    };

    private final StallDetector detector = new StallDetector(
            List.of(target), registry, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(10));

    private static long msFromNow(long ms) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void shouldSendOneProbeAtATimeAndCountAStallOnceWhileItWaits() {
        detector.tick(System.nanoTime());
        detector.tick(msFromNow(100));
        detector.tick(msFromNow(300));
        detector.tick(msFromNow(400));

        assertThat(queued).as("no second probe while the first waits").hasSize(1);
        assertThat(registry.get("fanout.eventloop.stalls")
                        .tag("loop", "loop-0")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("fanout.eventloop.pending")
                        .tag("loop", "loop-0")
                        .gauge()
                        .value())
                .isGreaterThanOrEqualTo(300);
    }

    @Test
    void shouldWarnAtMostOncePerLogIntervalAndSayHowManyWereLeftOut() {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StallDetector.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            for (int stall = 0; stall < 3; stall++) { // three stalls within 10s: one warning
                detector.tick(System.nanoTime());
                detector.tick(msFromNow(250));
                queued.get(queued.size() - 1).run();
            }
            detector.tick(System.nanoTime());
            detector.tick(msFromNow(10_500)); // past the log interval: warned again, with the count

            assertThat(logs.list).hasSize(2);
            assertThat(logs.list.get(1).getFormattedMessage()).contains("(2 more stalls of it since the last warning)");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void shouldTimeAProbeThatRanAndSendTheNextOne() {
        detector.tick(System.nanoTime());
        queued.get(0).run();

        detector.tick(System.nanoTime());

        String thread = Thread.currentThread().getName();
        assertThat(registry.get("fanout.eventloop.lag")
                        .tag("loop", thread)
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("fanout.eventloop.stalls")
                        .tag("loop", thread)
                        .counter()
                        .count())
                .isZero();
        assertThat(queued).hasSize(2);
    }
}

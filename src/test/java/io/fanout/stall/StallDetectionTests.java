package io.fanout.stall;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * Deliberately stalls one of the server's event loops and one Reactor parallel thread (test-only tasks that
 * busy-spin: no blocking call, so BlockHound has nothing to object to, yet the thread runs nothing else) and checks
 * that the running application's detector counts the stall, times the late probe and logs the stalled stack.
 */
class StallDetectionTests extends FanoutIntegrationTests {

    private static final Duration STALL = Duration.ofMillis(1200);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Autowired
    private MeterRegistry registry;

    @Autowired
    private ReactorResourceFactory resources;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(StallDetector.class);

    @BeforeEach
    void captureWarnings() {
        logs.start();
        detectorLog.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        detectorLog.detachAppender(logs);
    }

    @Test
    void shouldReportAStalledServerEventLoopWithItsStack() {
        EventExecutor loop = resources
                .getLoopResources()
                .onServer(LoopResources.DEFAULT_NATIVE)
                .next();
        AtomicReference<String> thread = new AtomicReference<>();

        loop.execute(() -> spinOnTheEventLoop(thread));

        assertStallSeen(thread, "netty", "spinOnTheEventLoop");
    }

    @Test
    void shouldReportAStalledClientEventLoopWithItsStack() {
        EventExecutor loop =
                HttpResources.get().onClient(LoopResources.DEFAULT_NATIVE).next();
        AtomicReference<String> thread = new AtomicReference<>();

        loop.execute(() -> spinOnTheEventLoop(thread));

        assertStallSeen(thread, "netty", "spinOnTheEventLoop");
    }

    @Test
    void shouldReportAStalledParallelThreadWithItsStack() {
        AtomicReference<String> thread = new AtomicReference<>();

        Schedulers.parallel().schedule(() -> spinOnAParallelThread(thread));

        assertStallSeen(thread, "parallel", "spinOnAParallelThread");
    }

    private void assertStallSeen(AtomicReference<String> thread, String scheduler, String culprit) {
        Eventually.await(PATIENCE, "the spinning task started", () -> thread.get() != null, thread::get);
        String name = thread.get();
        Eventually.await(PATIENCE, "a stall counted for " + name, () -> stalls(name) >= 1, () -> stalls(name));
        Eventually.await(
                PATIENCE,
                "a warning with the stack of " + name,
                () -> warningFor(name, culprit) != null,
                () -> logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        Eventually.await(PATIENCE, "the late probe timed", () -> maxLagMillis(name) >= 200, () -> maxLagMillis(name));

        ILoggingEvent warning = warningFor(name, culprit);
        assertThat(warning.getLevel()).isEqualTo(Level.WARN);
        assertThat(warning.getFormattedMessage()).startsWith(scheduler + " thread " + name + " has run no task for");
        Timer lag = registry.find("fanout.eventloop.lag")
                .tags("loop", name, "scheduler", scheduler)
                .timer();
        assertThat(lag).isNotNull();
    }

    private double stalls(String thread) {
        Counter c = registry.find("fanout.eventloop.stalls").tag("loop", thread).counter();
        return c == null ? 0 : c.count();
    }

    private double maxLagMillis(String thread) {
        Timer t = registry.find("fanout.eventloop.lag").tag("loop", thread).timer();
        return t == null ? 0 : t.max(TimeUnit.MILLISECONDS);
    }

    private ILoggingEvent warningFor(String thread, String culprit) {
        return logs.list.stream()
                .filter(e -> e.getFormattedMessage().contains(" thread " + thread + " "))
                .filter(e -> hasFrame(e.getThrowableProxy(), culprit))
                .findFirst()
                .orElse(null);
    }

    private static boolean hasFrame(IThrowableProxy proxy, String method) {
        return proxy != null
                && Arrays.stream(proxy.getStackTraceElementProxyArray())
                        .anyMatch(f -> f.getStackTraceElement().getMethodName().equals(method));
    }

    private static void spinOnTheEventLoop(AtomicReference<String> thread) {
        spin(thread);
    }

    private static void spinOnAParallelThread(AtomicReference<String> thread) {
        spin(thread);
    }

    /** Holds the thread without any blocking call: what a CPU-bound mistake on an event loop looks like. */
    private static void spin(AtomicReference<String> thread) {
        thread.set(Thread.currentThread().getName());
        long end = System.nanoTime() + STALL.toNanos();
        while (System.nanoTime() < end) {
            // nothing: even Thread.onSpinWait() counts as blocking for BlockHound
        }
    }
}

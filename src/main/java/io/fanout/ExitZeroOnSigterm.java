package io.fanout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * Makes SIGTERM (Kubernetes, docker stop, systemd) end the process with exit code 0 after the graceful shutdown,
 * instead of the JVM's 143: a pod that drained cleanly then shows "Completed" rather than "Error", and systemd and
 * supervisors need no {@code SuccessExitStatus=143}.
 *
 * <p>The handler does what the JVM's own SIGTERM handling does (close the Spring context, which drains requests,
 * job items and the listener), then exits with {@link SpringApplication#exit}'s code: 0, or 1 when closing
 * failed. It runs on a thread of its own so the signal dispatcher is never held. Installed once the application
 * has started; a SIGTERM during start-up keeps the JVM's behaviour. {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}) is the only JDK API for this; where it is unavailable the JVM's default stays.
 */
final class ExitZeroOnSigterm {

    private static final Logger log = LoggerFactory.getLogger(ExitZeroOnSigterm.class);

    private ExitZeroOnSigterm() {}

    static void install(ConfigurableApplicationContext context) {
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                Thread shutdown = new Thread(() -> System.exit(SpringApplication.exit(context)), "fanout-sigterm");
                shutdown.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("SIGTERM keeps the JVM's default handling (exit code 143): {}", e.toString());
        }
    }
}

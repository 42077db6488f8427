package io.fanout.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Records what the application logs while a test runs, at the levels the test asks for, and gives the lines back as
 * they would be printed (message and stack trace). Closing it restores the levels.
 */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> previous = new LinkedHashMap<>();

    /** @param debug logger names to record at DEBUG (others keep their level) */
    LogCapture(String... debug) {
        for (String name : debug) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previous.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        appender.start();
        root.addAppender(appender);
    }

    /** Every event so far whose logger name starts with one of {@code prefixes}. */
    List<ILoggingEvent> events(String... prefixes) {
        List<ILoggingEvent> out = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            for (String p : prefixes) {
                if (e.getLoggerName().startsWith(p)) {
                    out.add(e);
                    break;
                }
            }
        }
        return out;
    }

    /** An event as printed: level, logger, message and, if any, its stack trace. */
    static String printed(ILoggingEvent e) {
        String text = e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage();
        return e.getThrowableProxy() == null ? text : text + "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        previous.forEach(Logger::setLevel);
    }
}

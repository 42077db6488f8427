package io.fanout.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.fanout.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;

/** Encodes logging events the way the console appender of {@code logback-spring.xml} does, and parses them back. */
final class StructuredLogs {

    private StructuredLogs() {}

    /** The event as the console would print it under {@code format} ("" for text). */
    static String encode(String format, ILoggingEvent event) {
        LoggerContext context = new LoggerContext();
        context.putObject(
                Environment.class.getName(), new MockEnvironment().withProperty("spring.application.name", "fanout"));
        ConsoleEncoder encoder = new ConsoleEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setPattern("%level %logger %m%n");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        try {
            return new String(encoder.encode(event), StandardCharsets.UTF_8);
        } finally {
            encoder.stop();
        }
    }

    /** The one JSON document of a structured line (fails when the line is not exactly one document). */
    static JsonNode parse(String line) {
        List<String> lines = line.lines().toList();
        if (lines.size() != 1) {
            throw new AssertionError("not one line: " + line);
        }
        return JsonCodec.readTree(line.getBytes(StandardCharsets.UTF_8));
    }
}

package io.fanout.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;

/**
 * SPEC §9: {@code logging.structured.format.console=ecs|logstash|gelf} gives one JSON document per line with
 * Fanout's fields as fields of the document, named by the format's conventions; without a format the text pattern.
 */
class ConsoleEncoderTests {

    private static LoggingEvent event(LogKeys k) {
        LoggingEvent e = new LoggingEvent();
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        e.setLoggerContext(context);
        e.setLoggerName("io.fanout.engine.Execution");
        e.setLevel(Level.WARN);
        e.setThreadName("reactor-http-nio-2");
        e.setMessage("[req-1] users call profile failed: timeout");
        e.setTimeStamp(1_700_000_000_000L);
        e.setKeyValuePairs(List.of(
                new KeyValuePair(k.requestId(), "req-1"),
                new KeyValuePair(k.traceId(), "4bf92f3577b34da6a3ce929d0e0e4736"),
                new KeyValuePair(k.endpoint(), "users"),
                new KeyValuePair(k.call(), "profile"),
                new KeyValuePair(k.upstream(), "profiles"),
                new KeyValuePair(k.errorType(), "timeout")));
        return e;
    }

    @Test
    void shouldWriteEcsDocumentsWithNestedEcsFieldNames() {
        String line = StructuredLogs.encode("ecs", event(LogKeys.forFormat("ecs")));

        JsonNode doc = StructuredLogs.parse(line);
        assertThat(doc.at("/message").asString()).contains("failed: timeout");
        assertThat(doc.at("/log/level").asString()).isEqualTo("WARN");
        assertThat(doc.at("/trace/id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(doc.at("/http/request/id").asString()).isEqualTo("req-1");
        assertThat(doc.at("/fanout/endpoint").asString()).isEqualTo("users");
        assertThat(doc.at("/fanout/call").asString()).isEqualTo("profile");
        assertThat(doc.at("/fanout/upstream").asString()).isEqualTo("profiles");
        assertThat(doc.at("/error/type").asString()).isEqualTo("timeout");
    }

    @Test
    void shouldWriteLogstashDocumentsWithFlatSnakeCaseFields() {
        String line = StructuredLogs.encode("logstash", event(LogKeys.forFormat("logstash")));

        JsonNode doc = StructuredLogs.parse(line);
        assertThat(doc.at("/@timestamp").isMissingNode()).isFalse();
        assertThat(doc.get("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(doc.get("request_id").asString()).isEqualTo("req-1");
        assertThat(doc.get("endpoint").asString()).isEqualTo("users");
        assertThat(doc.get("call").asString()).isEqualTo("profile");
        assertThat(doc.get("upstream").asString()).isEqualTo("profiles");
        assertThat(doc.get("error_type").asString()).isEqualTo("timeout");
    }

    @Test
    void shouldWriteGelfDocumentsWithAdditionalFields() {
        String line = StructuredLogs.encode("gelf", event(LogKeys.forFormat("gelf")));

        JsonNode doc = StructuredLogs.parse(line);
        assertThat(doc.get("version").asString()).isEqualTo("1.1");
        assertThat(doc.get("short_message").asString()).contains("failed: timeout");
        assertThat(doc.get("_trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(doc.get("_request_id").asString()).isEqualTo("req-1");
        assertThat(doc.get("_endpoint").asString()).isEqualTo("users");
        assertThat(doc.get("_call").asString()).isEqualTo("profile");
        assertThat(doc.get("_upstream").asString()).isEqualTo("profiles");
        assertThat(doc.get("_error_type").asString()).isEqualTo("timeout");
    }

    @Test
    void shouldKeepTheTextPatternWithoutAFormat() {
        String line = StructuredLogs.encode("", event(LogKeys.ECS));

        assertThat(line).isEqualTo("WARN io.fanout.engine.Execution [req-1] users call profile failed: timeout\n");
    }
}

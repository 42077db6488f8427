package io.fanout.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access line names the caller of an endpoint with {@code auth} (issue 13, once the edge has landed). */
class AccessLogClientTests {

    @Test
    void shouldWriteTheClientIdOnTheAccessLineOnlyWhenThereIsOne() {
        LogKeys.useFormat("ecs");
        GatewayObserver observer = new GatewayObserver(null, null, true, new SimpleMeterRegistry());
        Logger access = (Logger) LoggerFactory.getLogger("fanout.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        access.addAppender(lines);
        try {
            RequestTrace withClient = observer.begin("me", "GET", "/v1/me", "req-1", "mobile-app", false, name -> null);
            withClient.finished(200, false, null, 2_000_000, 1_000_000);
            RequestTrace anonymous = observer.begin("open", "GET", "/v1/open", "req-2", null, false, name -> null);
            anonymous.finished(200, false, null, 2_000_000, 1_000_000);
        } finally {
            access.detachAppender(lines);
        }
        assertThat(lines.list).hasSize(2);
        assertThat(pairs(lines.list.get(0)))
                .containsEntry("client.id", "mobile-app")
                .containsEntry("http.request.id", "req-1");
        assertThat(pairs(lines.list.get(1))).doesNotContainKey("client.id").containsEntry("http.request.id", "req-2");
    }

    private static Map<String, Object> pairs(ILoggingEvent e) {
        Map<String, Object> out = new HashMap<>();
        if (e.getKeyValuePairs() != null) {
            e.getKeyValuePairs().forEach(p -> out.put(p.key, p.value));
        }
        return out;
    }
}

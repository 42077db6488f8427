package io.fanout.observe;

import static io.fanout.testsupport.FakeUpstream.json;
import static io.fanout.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fanout.json.JsonCodec;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.FanoutIntegrationTests;
import io.fanout.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * SPEC §9 tracing, against loopback upstreams that record the headers they receive: one trace id across every call
 * of a request (fan-out, dependent, for-each, retried, hedged) with a fresh parent span id per attempt, a client's
 * {@code traceparent}/{@code tracestate} continued (sampled or not), the span tree with error status on failed calls
 * (in-memory exporter), {@code meta.traceId} in the envelope and the streamed meta line, and the access log and
 * failure lines carrying the request's fields.
 */
@AutoConfigureTracing
@Import(SpanCapture.class)
@TestPropertySource(properties = {"management.tracing.sampling.probability=1.0", "fanout.access-log=true"})
class TracingIntegrationTests extends FanoutIntegrationTests {

    private static final AttributeKey<String> CALL = AttributeKey.stringKey("fanout.call");
    private static final AttributeKey<String> ATTEMPT = AttributeKey.stringKey("fanout.attempt");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> CANCELLED = AttributeKey.stringKey("fanout.cancelled");

    private static final String CONFIG = """
            upstreams:
              a: { url: "${A}", timeout: 5s }
              b: { url: "${B}", timeout: 5s,
                   retry: { attempts: 3, backoff: 10ms, max-backoff: 20ms, on: [503], budget: 100% } }
              c: { url: "${C}", timeout: 10s, hedge: { after: 100ms, budget: 100% } }
            endpoints:
              traced:
                path: /traced/{id}
                calls:
                  user: { upstream: a, path: "/users/{path.id}" }
                  orders: { upstream: a, path: "/orders/{user.id}" }
                  items: { upstream: a, for-each: orders.items, path: "/items/{item}" }
                  flaky: { upstream: b, path: "/flaky" }
                  slow: { upstream: c, path: "/slow" }
                  broken: { upstream: a, path: "/broken", required: false }
                  after: { upstream: a, path: "/after/{broken.id}", required: false }
              chain:
                path: /chain
                calls:
                  first: { upstream: a, path: "/first" }
                  second: { upstream: a, path: "/second/{first.id}" }
                  side: { upstream: a, path: "/side" }
              plain:
                path: /plain
                forward-headers: [traceparent]
                calls:
                  one: { upstream: a, path: "/one" }
            """;

    @Autowired
    private MeterRegistry registry;

    @BeforeEach
    void setUp() {
        install(CONFIG);
        SpanCapture.SPANS.clear();
        A.on("/users/7", json("{\"id\":\"7\"}"));
        A.on("/orders/7", json("{\"items\":[\"x\",\"y\"]}"));
        A.on("/items/x", json("{\"item\":\"x\"}"));
        A.on("/items/y", json("{\"item\":\"y\"}"));
        A.on("/broken", status(500, "{\"error\":\"boom\"}"));
        A.on("/one", json("{\"one\":1}"));
        A.on("/first", json("{\"id\":\"1\"}").withDelay(Duration.ofMillis(400)));
        A.on("/second/1", json("{}").withDelay(Duration.ofMillis(400)));
        A.on("/side", json("{}").withDelay(Duration.ofMillis(100)));
        AtomicInteger flaky = new AtomicInteger();
        B.on("/flaky", r -> flaky.incrementAndGet() <= 2 ? status(503, "{}") : json("{\"ok\":true}"));
        AtomicInteger slow = new AtomicInteger();
        // the first attempt would take 5s: the hedge started after 100ms wins and the first is cancelled
        C.on(
                "/slow",
                r -> slow.incrementAndGet() == 1
                        ? json("{\"slow\":1}").withDelay(Duration.ofSeconds(5))
                        : json("{\"slow\":2}"));
    }

    private record TraceParent(String traceId, String parentId, String flags) {
        /** The sampled bit (W3C Trace Context level 2 adds a "random" bit beside it: flags 03). */
        boolean sampled() {
            return (Integer.parseInt(flags, 16) & 1) == 1;
        }

        static TraceParent of(FakeUpstream.Seen seen) {
            String header = seen.header("traceparent");
            assertThat(header)
                    .as("traceparent of " + seen.uri())
                    .isNotNull()
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
            String[] parts = header.split("-");
            return new TraceParent(parts[1], parts[2], parts[3]);
        }
    }

    private static List<FakeUpstream.Seen> allSeen() {
        List<FakeUpstream.Seen> all = new ArrayList<>(A.seen());
        all.addAll(B.seen());
        all.addAll(C.seen());
        return all;
    }

    private JsonNode get(String uri, Map<String, String> headers) {
        byte[] body = client.get()
                .uri(uri)
                .headers(h -> headers.forEach(h::set))
                .exchange()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JsonCodec.readTree(body);
    }

    @Test
    void shouldSendOneTraceIdWithAFreshParentToEveryAttemptOfARequest() {
        JsonNode answer = get("/traced/7", Map.of());

        String traceId = answer.at("/meta/traceId").asString();
        assertThat(traceId).as(answer.toString()).matches("[0-9a-f]{32}");
        assertThat(answer.at("/meta/calls/flaky/attempts").asInt()).isEqualTo(3);
        assertThat(answer.at("/meta/calls/slow/attempts").asInt()).isEqualTo(2);
        List<FakeUpstream.Seen> seen = allSeen();
        // user, orders, 2 items, broken, 3 flaky, 2 slow
        assertThat(seen).hasSize(10);
        Set<String> parents = new HashSet<>();
        for (FakeUpstream.Seen s : seen) {
            TraceParent tp = TraceParent.of(s);
            assertThat(tp.traceId()).as(s.uri()).isEqualTo(traceId);
            assertThat(tp.sampled()).isTrue();
            parents.add(tp.parentId());
        }
        assertThat(parents).as("a fresh parent span id per attempt").hasSize(seen.size());
    }

    @Test
    void shouldExportTheSpanTreeWithAttemptNumbersAndErrorsOnFailedCalls() {
        JsonNode answer = get("/traced/7", Map.of());
        String traceId = answer.at("/meta/traceId").asString();

        List<SpanData> spans = SpanCapture.ofTrace(traceId);
        List<SpanData> roots =
                spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
        assertThat(roots).singleElement().satisfies(root -> {
            assertThat(root.getName()).isEqualTo("GET /traced/{id}");
            assertThat(root.getParentSpanContext().isValid()).isFalse();
            assertThat(root.getAttributes().get(AttributeKey.stringKey("fanout.partial")))
                    .isEqualTo("true");
            assertThat(root.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        });
        String rootId = roots.get(0).getSpanId();
        List<SpanData> children = spans.stream().filter(s -> s != roots.get(0)).toList();
        assertThat(children).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(rootId));
        Set<String> sentParents = new HashSet<>();
        allSeen().forEach(s -> sentParents.add(TraceParent.of(s).parentId()));
        List<SpanData> clientSpans =
                children.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(clientSpans.stream().map(SpanData::getSpanId))
                .as("every parent the upstream saw is an attempt span")
                .containsAll(sentParents);
        // an attempt cancelled (a hedge's loser) may be cut before its request reached the upstream on a loaded box
        assertThat(clientSpans)
                .filteredOn(s -> !sentParents.contains(s.getSpanId()))
                .as("an attempt span the upstream never saw was cancelled")
                .allSatisfy(s -> assertThat(s.getAttributes().get(CANCELLED)).isEqualTo("true"));
        assertThat(attempts(children, "flaky"))
                .extracting(s -> s.getAttributes().get(ATTEMPT))
                .containsExactlyInAnyOrder("1", "2", "3");
        assertThat(attempts(children, "flaky"))
                .filteredOn(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.getAttributes().get(ERROR_TYPE)).isEqualTo("upstream-status"));
        assertThat(attempts(children, "slow"))
                .extracting(s -> s.getAttributes().get(ATTEMPT))
                .containsExactlyInAnyOrder("1", "2");
        assertThat(attempts(children, "slow"))
                .filteredOn(s -> "true".equals(s.getAttributes().get(CANCELLED)))
                .as("the hedge's loser")
                .hasSize(1);
        assertThat(attempts(children, "broken")).singleElement().satisfies(s -> {
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(s.getAttributes().get(ERROR_TYPE)).isEqualTo("upstream-status");
        });
        assertThat(attempts(children, "after"))
                .as("a call that sent nothing still shows its failure")
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                    assertThat(s.getAttributes().get(ERROR_TYPE)).isEqualTo("dependency-failed");
                });
        assertThat(attempts(children, "items")).hasSize(2);
    }

    private static List<SpanData> attempts(List<SpanData> spans, String call) {
        return spans.stream()
                .filter(s -> call.equals(s.getAttributes().get(CALL)))
                .toList();
    }

    @Test
    void shouldRecordTheRequestTimeMinusItsCriticalPathAsOverhead() {
        Timer requests =
                registry.find("fanout.requests").tag("endpoint", "chain").timer();
        Timer overhead = registry.find("fanout.request.overhead")
                .tag("endpoint", "chain")
                .timer();
        long countBefore = overhead == null ? 0 : overhead.count();
        double overheadBefore = overhead == null ? 0 : overhead.totalTime(TimeUnit.NANOSECONDS);
        double requestsBefore = requests == null ? 0 : requests.totalTime(TimeUnit.NANOSECONDS);

        get("/chain", Map.of());

        overhead = registry.find("fanout.request.overhead")
                .tag("endpoint", "chain")
                .timer();
        requests = registry.find("fanout.requests").tag("endpoint", "chain").timer();
        assertThat(overhead).isNotNull();
        assertThat(requests).isNotNull();
        assertThat(overhead.count() - countBefore).isEqualTo(1);
        double gateway = overhead.totalTime(TimeUnit.NANOSECONDS) - overheadBefore;
        double total = requests.totalTime(TimeUnit.NANOSECONDS) - requestsBefore;
        // the critical path is first + second (>= 800ms of upstream delay); side runs beside them and is not on it
        assertThat(gateway).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(total - 800_000_000.0);
    }

    @Test
    void shouldTraceJdbcAndJavaAttemptsAsChildrenOfTheRequest() {
        try (TestDatabase database = TestDatabase.create()) {
            install((CONFIG + """
                      blocking:
                        path: /blocking
                        calls:
                          lookup: { upstream: db, query: "select 1 as one", single: true }
                          stock: { upstream: inventory, path: "/items/A-1" }
                    """)
                    .replace(
                            "endpoints:\n",
                            "  db: { kind: jdbc, url: \"DB\", username: \"USER\"PASSWORD, pool-size: 1, timeout: 5s }\n"
                                    + "  inventory: { kind: java, class: io.fanout.examples.InventorySource, pool-size: 1, timeout: 5s }\n"
                                    + "endpoints:\n")
                    .replace("DB", database.jdbcUrl())
                    .replace("USER", database.username())
                    // the test servers other than the local one log in with a password (SCRAM)
                    .replace(
                            "PASSWORD",
                            database.password() == null ? "" : ", password: \"" + database.password() + "\""));

            JsonNode answer = get("/blocking", Map.of());

            assertThat(answer.at("/errors")).as(answer.toString()).isEmpty();
            List<SpanData> spans =
                    SpanCapture.ofTrace(answer.at("/meta/traceId").asString());
            SpanData root = spans.stream()
                    .filter(s -> s.getKind() == SpanKind.SERVER)
                    .findFirst()
                    .orElseThrow();
            assertThat(spans)
                    .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
                    .extracting(s -> s.getAttributes().get(CALL))
                    .containsExactlyInAnyOrder("lookup", "stock");
            assertThat(spans)
                    .filteredOn(s -> s.getKind() == SpanKind.CLIENT)
                    .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId()));
        }
    }

    @Test
    void shouldContinueTheClientsTraceAndPassItsTraceState() {
        String clientTrace = "0af7651916cd43dd8448eb211c80319c";
        String clientSpan = "b7ad6b7169203331";

        JsonNode answer = get(
                "/plain",
                Map.of(
                        "traceparent",
                        "00-" + clientTrace + "-" + clientSpan + "-01",
                        "tracestate",
                        "congo=t61rcWkgMzE"));

        assertThat(answer.at("/meta/traceId").asString()).isEqualTo(clientTrace);
        FakeUpstream.Seen seen = A.seen("/one").get(0);
        TraceParent sent = TraceParent.of(seen);
        assertThat(sent.traceId()).isEqualTo(clientTrace);
        assertThat(sent.parentId())
                .as("the attempt's span, not the client's (even when forwarded)")
                .isNotEqualTo(clientSpan);
        assertThat(seen.headers().getAll("traceparent")).hasSize(1);
        assertThat(seen.header("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(SpanCapture.ofTrace(clientTrace))
                .filteredOn(s -> s.getKind() == SpanKind.SERVER)
                .singleElement()
                .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(clientSpan));
    }

    @Test
    void shouldPropagateAnUnsampledTraceWithoutExportingIt() {
        String clientTrace = "1af7651916cd43dd8448eb211c80319d";

        JsonNode answer = get("/plain", Map.of("traceparent", "00-" + clientTrace + "-c7ad6b7169203332-00"));

        assertThat(answer.at("/meta/traceId").asString()).isEqualTo(clientTrace);
        TraceParent sent = TraceParent.of(A.seen("/one").get(0));
        assertThat(sent.traceId()).isEqualTo(clientTrace);
        assertThat(sent.sampled()).isFalse();
        assertThat(sent.parentId()).isNotEqualTo("c7ad6b7169203332");
        assertThat(SpanCapture.ofTrace(clientTrace)).isEmpty();
    }

    @Test
    void shouldPutTheTraceIdInTheStreamedMetaLine() {
        List<String> lines = client.get()
                .uri("/plain")
                .header("Accept", "application/x-ndjson")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(lines).isNotNull().isNotEmpty();
        JsonNode last =
                JsonCodec.readTree(lines.get(lines.size() - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(last.at("/meta/traceId").asString())
                .isEqualTo(TraceParent.of(A.seen("/one").get(0)).traceId());
    }

    @Test
    void shouldWriteTheAccessLogAndFailureLinesWithTheRequestsFields() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger execution = context.getLogger("io.fanout.engine.Execution");
        Level before = execution.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(lines);
        execution.setLevel(Level.DEBUG);
        JsonNode answer;
        try {
            answer = get("/traced/7", Map.of("X-Request-Id", "access-log-test-1"));
        } finally {
            execution.setLevel(before);
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(lines);
        }
        String traceId = answer.at("/meta/traceId").asString();

        List<ILoggingEvent> access = lines.list.stream()
                .filter(e -> e.getLoggerName().equals("fanout.access"))
                .toList();
        assertThat(access).singleElement().satisfies(e -> {
            JsonNode doc = StructuredLogs.parse(StructuredLogs.encode("ecs", e));
            assertThat(doc.at("/http/request/method").asString()).isEqualTo("GET");
            assertThat(doc.at("/fanout/route").asString()).isEqualTo("/traced/{id}");
            assertThat(doc.at("/http/response/status_code").asInt()).isEqualTo(200);
            assertThat(doc.at("/fanout/partial").asBoolean()).isTrue();
            assertThat(doc.at("/fanout/duration_ms").asDouble()).isPositive();
            assertThat(doc.at("/http/request/id").asString()).isEqualTo("access-log-test-1");
            assertThat(doc.at("/trace/id").asString()).isEqualTo(traceId);
        });
        List<ILoggingEvent> failures = lines.list.stream()
                .filter(e -> e.getLoggerName().equals("io.fanout.engine.Execution"))
                .toList();
        assertThat(failures).extracting(e -> pairs(e).get("fanout.call")).contains("broken", "after");
        assertThat(failures).allSatisfy(e -> {
            Map<String, Object> f = pairs(e);
            assertThat(f)
                    .containsEntry("trace.id", traceId)
                    .containsEntry("http.request.id", "access-log-test-1")
                    .containsEntry("fanout.endpoint", "traced")
                    .containsKeys("fanout.upstream", "error.type");
        });
    }

    private static Map<String, Object> pairs(ILoggingEvent e) {
        Map<String, Object> out = new java.util.HashMap<>();
        List<KeyValuePair> kv = e.getKeyValuePairs();
        if (kv != null) {
            kv.forEach(p -> out.put(p.key, p.value));
        }
        return out;
    }
}

package io.fanout.upstream.resilience;

import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import reactor.core.publisher.Mono;

/**
 * An in-memory transport (no socket) whose answers a test scripts per attempt (1-based), and which counts what
 * happened to them. Like a real transport it runs through {@link TransportExchange} (one attempt recorded per
 * exchange, the JSON verdict on what it answers); delays use
 * {@link Mono#delay} so virtual time drives them. The tests over real sockets use {@code testsupport.FakeUpstream}.
 */
final class ScriptedTransport implements UpstreamClient {

    final AtomicInteger subscriptions = new AtomicInteger();
    /** Attempts cancelled before they answered. */
    final AtomicInteger cancellations = new AtomicInteger();

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<Long> startedAtMillis = new ConcurrentLinkedQueue<>();
    volatile boolean closed;
    private volatile IntFunction<Mono<UpstreamResponse>> script;
    private final TransportExchange<UpstreamRequest> preamble = new TransportExchange<>(
            "fake",
            UpstreamRequest.class,
            false,
            (error, limitMillis) -> new CallFailure(ErrorType.INVALID_RESPONSE, "fake failed: " + error));

    ScriptedTransport(IntFunction<Mono<UpstreamResponse>> script) {
        this.script = script;
    }

    static ScriptedTransport answering(String body) {
        return new ScriptedTransport(n -> ok(body));
    }

    void script(IntFunction<Mono<UpstreamResponse>> script) {
        this.script = script;
    }

    /** A 200 whose body is {@code text} as a JSON string (the layer rejects bodies that are not JSON). */
    static Mono<UpstreamResponse> ok(String text) {
        return raw("\"" + text + "\"");
    }

    /** A 200 with exactly these body bytes, JSON or not. */
    static Mono<UpstreamResponse> raw(String body) {
        return Mono.just(
                new UpstreamResponse(200, body.getBytes(StandardCharsets.UTF_8), UpstreamResponse.Source.NETWORK));
    }

    static Mono<UpstreamResponse> okAfter(Duration delay, String body) {
        return Mono.delay(delay).then(ok(body));
    }

    static Mono<UpstreamResponse> status(int status) {
        return Mono.error(CallFailure.status("fake", status, null));
    }

    static Mono<UpstreamResponse> status(int status, Duration retryAfter) {
        return Mono.error(CallFailure.status("fake", status, retryAfter));
    }

    static Mono<UpstreamResponse> connectError() {
        return Mono.error(new CallFailure(ErrorType.CONNECT_ERROR, "fake refused the connection"));
    }

    static Mono<UpstreamResponse> hang() {
        return Mono.never();
    }

    @Override
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
        // through the preamble every real transport uses: it counts the attempt and gives the JSON verdict
        return preamble.exchange(
                request,
                budget,
                (r, limitMillis) -> Mono.defer(() -> {
                    int n = subscriptions.incrementAndGet();
                    startedAtMillis.add(CallBudget.now());
                    int now = inFlight.incrementAndGet();
                    maxInFlight.accumulateAndGet(now, Math::max);
                    // a cancel that reaches an attempt after its answer (first-wins operators do that) aborts nothing
                    boolean[] answered = {false};
                    return script.apply(n)
                            .doOnNext(a -> answered[0] = true)
                            .doOnCancel(() -> {
                                if (!answered[0]) {
                                    cancellations.incrementAndGet();
                                }
                            })
                            .doFinally(s -> inFlight.decrementAndGet());
                }));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The body as text: the text of a JSON string body, else the raw body. */
    static String body(UpstreamResponse response) {
        String raw = new String(response.body(), StandardCharsets.UTF_8);
        return raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")
                ? raw.substring(1, raw.length() - 1)
                : raw;
    }
}

package io.fanout.testsupport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A programmable upstream on a real loopback socket: answers by path with a status, body and delay, or
 * misbehaves (hangs, resets, trickles bytes, sends garbage). Records every request it saw, how many were in flight
 * at once and which ones the client abandoned before the answer was complete.
 */
public final class FakeUpstream implements AutoCloseable {

    /** What to do for a request. */
    public record Behavior(int status, String body, Duration delay, Map<String, String> headers, Mode mode) {
        public Behavior withDelay(Duration d) {
            return new Behavior(status, body, d, headers, mode);
        }

        public Behavior withHeader(String name, String value) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.put(name, value);
            return new Behavior(status, body, delay, h, mode);
        }
    }

    /** Ways to answer. */
    public enum Mode {
        NORMAL,
        HANG,
        RESET_BEFORE_HEADERS,
        RESET_AFTER_HEADERS,
        TRICKLE,
        CHUNKED
    }

    /** One request as the upstream saw it. */
    public record Seen(String method, String uri, HttpHeaders headers, String body, long startedNanos) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final Map<String, Function<HttpServerRequest, Behavior>> routes = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final List<String> completed = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final DisposableServer server;

    /**
     * The fake upstreams' own event loops: never Reactor Netty's global ones, which a Spring context disposes when
     * it closes (its ReactorResourceFactory), and with them every server still bound on them (a shared upstream of
     * {@link FanoutIntegrationTests} then refuses connections for the rest of the JVM).
     */
    private static final LoopResources LOOPS = LoopResources.create("fake-upstream", 2, true);

    private FakeUpstream() {
        this.server = HttpServer.create()
                .runOn(LOOPS)
                .host("127.0.0.1")
                .port(0)
                .childOption(ChannelOption.SO_LINGER, 0)
                .handle(this::handle)
                .bindNow();
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    public static Behavior json(String body) {
        return new Behavior(200, body, Duration.ZERO, Map.of(), Mode.NORMAL);
    }

    public static Behavior status(int status, String body) {
        return new Behavior(status, body, Duration.ZERO, Map.of(), Mode.NORMAL);
    }

    public static Behavior mode(Mode mode, String body) {
        return new Behavior(200, body, Duration.ZERO, Map.of(), mode);
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Answers requests whose path (without query) equals {@code path}; {@code "*"} matches anything else. */
    public FakeUpstream on(String path, Behavior behavior) {
        routes.put(path, r -> behavior);
        return this;
    }

    public FakeUpstream on(String path, Function<HttpServerRequest, Behavior> behavior) {
        routes.put(path, behavior);
        return this;
    }

    public void reset() {
        routes.clear();
        seen.clear();
        cancelled.clear();
        completed.clear();
        maxInFlight.set(0);
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public List<Seen> seen(String pathPrefix) {
        return seen.stream().filter(s -> s.uri().startsWith(pathPrefix)).toList();
    }

    /** URIs of requests whose client went away before the answer was complete. */
    public List<String> cancelled() {
        return List.copyOf(cancelled);
    }

    /** URIs of requests answered completely. */
    public List<String> completed() {
        return List.copyOf(completed);
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String uri = req.uri();
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        if (req.method() == HttpMethod.HEAD && uri.equals("/")) {
            // Fanout's connection warm-up (on start and on every config swap): answered, never recorded, so it
            // does not race with a test's expectations about what the upstream saw
            return res.status(200).send();
        }
        Function<HttpServerRequest, Behavior> route = routes.getOrDefault(path, routes.get("*"));
        return req.receive()
                .aggregate()
                .asString(StandardCharsets.UTF_8)
                .defaultIfEmpty("")
                .flatMap(body -> {
                    seen.add(new Seen(
                            req.method().name(), uri, req.requestHeaders().copy(), body, System.nanoTime()));
                    int now = inFlight.incrementAndGet();
                    maxInFlight.accumulateAndGet(now, Math::max);
                    Behavior b =
                            route == null ? status(404, "{\"error\":\"no route " + path + "\"}") : route.apply(req);
                    // Leaves "in flight" when the answer starts (or the request ends without one), not when the
                    // write has completed: a client may read the answer and send its next request before this
                    // side sees its write complete, which would count one request too many.
                    AtomicBoolean counted = new AtomicBoolean(true);
                    Runnable leave = () -> {
                        if (counted.compareAndSet(true, false)) {
                            inFlight.decrementAndGet();
                        }
                    };
                    return answer(res, b, leave)
                            .doOnSuccess(v -> completed.add(uri))
                            .doOnCancel(() -> cancelled.add(uri))
                            .doFinally(s -> leave.run());
                });
    }

    private Mono<Void> answer(HttpServerResponse res, Behavior b, Runnable answering) {
        Mono<Void> delay = (b.delay().isZero()
                        ? Mono.<Void>empty()
                        : Mono.delay(b.delay()).then())
                .then(Mono.fromRunnable(answering));
        b.headers().forEach(res::header);
        return switch (b.mode()) {
            case HANG -> Mono.never();
            case RESET_BEFORE_HEADERS ->
                delay.then(Mono.fromRunnable(
                        () -> res.withConnection(c -> c.channel().close())));
            case RESET_AFTER_HEADERS ->
                delay.then(Mono.defer(() -> {
                    // the channel is taken before sending: once the handler's send completes, Reactor Netty hands out a
                    // disposed placeholder instead of the real connection
                    AtomicReference<Channel> channel = new AtomicReference<>();
                    res.withConnection(c -> channel.set(c.channel()));
                    res.status(b.status())
                            .header("content-type", "application/json")
                            .header("content-length", Integer.toString(b.body().length() * 2));
                    // a Flux, not a Mono: Reactor Netty would otherwise write one full response with its own length
                    return res.sendString(Flux.just(b.body()))
                            .then()
                            .then(Mono.fromRunnable(() -> channel.get().close()));
                }));
            case TRICKLE ->
                delay.then(Mono.defer(() -> {
                    res.status(b.status()).header("content-type", "application/json");
                    byte[] bytes = b.body().getBytes(StandardCharsets.UTF_8);
                    return res.sendObject(Flux.range(0, bytes.length)
                                    .delayElements(Duration.ofMillis(50))
                                    .map(i -> Unpooled.wrappedBuffer(bytes, i, 1)))
                            .then();
                }));
            case CHUNKED ->
                delay.then(Mono.defer(() -> {
                    res.status(b.status()).header("content-type", "application/json");
                    res.chunkedTransfer(true);
                    return res.sendString(Flux.just(b.body()).concatWith(Flux.just(b.body())))
                            .then();
                }));
            case NORMAL ->
                delay.then(Mono.defer(() -> {
                    res.status(b.status()).header("content-type", "application/json");
                    return res.sendString(Mono.just(b.body())).then();
                }));
        };
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}

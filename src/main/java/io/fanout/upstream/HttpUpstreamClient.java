package io.fanout.upstream;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fanout.definition.UpstreamDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.AddressUtils;

/**
 * The HTTP transport of one upstream over Reactor Netty: its own connection pool sized by {@code max-connections},
 * a connect timeout, a per-attempt timeout covering headers and body, and {@code max-response-size} enforced while
 * the body streams in (a larger body is cut off, never buffered whole). Redirects are not followed.
 */
public final class HttpUpstreamClient implements UpstreamClient {

    private static final Logger log = LoggerFactory.getLogger(HttpUpstreamClient.class);
    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final long maxResponseSize;
    private final ConnectionProvider pool;
    private final HttpClient client;
    private final String[] staticHeaders;
    private final boolean ownTimeout;

    /** A transport that bounds each attempt itself. */
    public HttpUpstreamClient(UpstreamDefinition upstream) {
        this(upstream, true);
    }

    /**
     * @param ownTimeout false when a decorator (the resilience layer) already bounds every attempt, so that each
     *                   attempt costs one timer, not two
     */
    public HttpUpstreamClient(UpstreamDefinition upstream, boolean ownTimeout) {
        this.ownTimeout = ownTimeout;
        this.name = upstream.name();
        this.maxResponseSize = upstream.maxResponseSize();
        URI uri = URI.create(upstream.url());
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        this.pool = ConnectionProvider.builder("fanout-" + name)
                .maxConnections(upstream.maxConnections())
                // the bulkhead bounds waiting; the pool queue must never be what rejects a call
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofMinutes(1))
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        // built once: host(h).port(p) would rebuild (and re-parse the IP literal of) the address on every request.
        // A host name stays unresolved here, so every new connection still resolves it as before.
        InetSocketAddress address = AddressUtils.createUnresolved(uri.getHost(), port);
        HttpClient c = HttpClient.create(pool)
                .remoteAddress(() -> address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, upstream.connectTimeout().toMillis()))
                .followRedirect(false)
                .keepAlive(true);
        this.client = https ? c.secure() : c;
        String[] headers = new String[upstream.headers().size() * 2];
        int i = 0;
        for (Map.Entry<String, String> h : upstream.headers().entrySet()) {
            headers[i++] = h.getKey();
            headers[i++] = h.getValue();
        }
        this.staticHeaders = headers;
    }

    @Override
    public Mono<UpstreamResponse> exchange(UpstreamRequest request, CallBudget budget) {
        long limitMillis = Math.min(budget.attemptTimeout().toMillis(), budget.remainingMillis());
        if (limitMillis <= 0) {
            return Mono.error(new CallFailure(ErrorType.TIMEOUT, name + " had no time left for an attempt"));
        }
        Duration limit = Duration.ofMillis(limitMillis);
        Mono<UpstreamResponse> attempt = Mono.defer(() -> {
            budget.recordAttempt();
            // whether the request went out decides who is to blame for an IllegalArgumentException: before, the
            // request could not be built; after, the upstream's answer could not be decoded
            AtomicBoolean sent = new AtomicBoolean();
            return send(request, sent).onErrorMap(e -> !(e instanceof CallFailure), e -> translate(e, limit,
                    sent.get()));
        });
        if (ownTimeout) {
            attempt = attempt.timeout(limit);
        }
        return attempt.onErrorMap(e -> !(e instanceof CallFailure), e -> translate(e, limit, true));
    }

    private Mono<UpstreamResponse> send(UpstreamRequest request, AtomicBoolean sent) {
        byte[] body = request.body();
        return client
                .request(HttpMethod.valueOf(request.method()))
                .uri(request.pathAndQuery())
                .send((req, out) -> {
                    sent.set(true);
                    HttpHeaders h = req.requestHeaders();
                    h.set(HttpHeaderNames.ACCEPT, "application/json");
                    for (int i = 0; i < staticHeaders.length; i += 2) {
                        h.set(staticHeaders[i], staticHeaders[i + 1]);
                    }
                    // forwarded client headers, then the call's own: a later one replaces an earlier one
                    List<String> extra = request.headers();
                    for (int i = 0; i < extra.size(); i += 2) {
                        h.set(extra.get(i), extra.get(i + 1));
                    }
                    h.set("X-Request-Id", request.requestId());
                    if (body == null) {
                        return out;
                    }
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    return out.sendByteArray(Mono.just(body));
                })
                .response(this::read)
                .next()
                .switchIfEmpty(Mono.error(() -> new CallFailure(ErrorType.INVALID_RESPONSE,
                        name + " closed the connection without answering")));
    }

    private Mono<UpstreamResponse> read(HttpClientResponse response, ByteBufFlux content) {
        int status = response.status().code();
        if (status < 200 || status >= 300) {
            return Mono.error(CallFailure.status(name, status, retryAfter(response.responseHeaders())));
        }
        String length = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Mono.error(new CallFailure(ErrorType.INVALID_RESPONSE, name + " sent an invalid Content-Length"));
            }
            if (declared > maxResponseSize) {
                return Mono.error(tooLarge());
            }
            if (declared == 0) {
                return Mono.just(new UpstreamResponse(status, EMPTY, UpstreamResponse.Source.NETWORK));
            }
        }
        int initial = declared > 0 ? (int) declared : 1024;
        return content
                .collect(() -> new BoundedBody(initial, maxResponseSize), BoundedBody::append)
                .map(b -> new UpstreamResponse(status, b.toByteArray(), UpstreamResponse.Source.NETWORK))
                .onErrorMap(BoundedBody.TooLarge.class, e -> tooLarge())
                // a connection lost after the headers: still a connection failure (retryable as connect-error), but
                // the message must not claim the upstream never answered
                .onErrorMap(e -> !(e instanceof CallFailure) && !(e instanceof TimeoutException),
                        e -> new CallFailure(ErrorType.CONNECT_ERROR, name + " closed the connection in the middle of"
                                + " its answer"));
    }

    private CallFailure tooLarge() {
        return new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered more than " + maxResponseSize
                + " bytes (max-response-size)");
    }

    private CallFailure translate(Throwable e, Duration limit, boolean sent) {
        if (e instanceof TimeoutException) {
            return new CallFailure(ErrorType.TIMEOUT, name + " did not answer within " + limit.toMillis() + "ms");
        }
        if (e instanceof ConnectTimeoutException) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": connect timed out");
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": connection refused or unreachable");
        }
        if (e instanceof PrematureCloseException || e instanceof ClosedChannelException) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + " closed the connection before answering");
        }
        if (e instanceof java.io.IOException) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": connection failed");
        }
        if (e instanceof IllegalArgumentException && !sent) {
            return new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, name + ": the request could not be built");
        }
        if (e instanceof IllegalArgumentException || e instanceof DecoderException) {
            // Netty's HTTP decoder rejects a status line or header that is not HTTP with these
            return new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered something that is not HTTP");
        }
        log.debug("unexpected failure calling {}", name, e);
        return new CallFailure(ErrorType.INVALID_RESPONSE, name + ": the answer could not be read");
    }

    /** Retry-After as delta-seconds or HTTP-date; null when absent or unreadable. */
    static @Nullable Duration retryAfter(HttpHeaders headers) {
        String v = headers.get(HttpHeaderNames.RETRY_AFTER);
        if (v == null) {
            return null;
        }
        v = v.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException ignored) {
            // not delta-seconds: try an HTTP-date
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Mono<Void> warmUp() {
        // loads Netty/Reactor classes and the event loops, then opens one pooled connection with a cheap request
        return client.warmup()
                .then(client.head().uri("/").response().then())
                .timeout(Duration.ofSeconds(2))
                .onErrorResume(e -> Mono.empty());
    }

    @Override
    public void close() {
        pool.disposeLater().subscribe();
    }

    /** Accumulates a body while refusing to grow beyond the limit. */
    private static final class BoundedBody {
        private byte[] buf;
        private int size;
        private final long limit;

        BoundedBody(int initial, long limit) {
            this.buf = new byte[(int) Math.min(initial, Math.max(1, limit))];
            this.limit = limit;
        }

        void append(ByteBuf chunk) {
            int n = chunk.readableBytes();
            if (size + (long) n > limit) {
                throw new TooLarge();
            }
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, Math.max(buf.length * 2L, size + n)));
            }
            chunk.getBytes(chunk.readerIndex(), buf, size, n);
            size += n;
        }

        byte[] toByteArray() {
            return size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
        }

        static final class TooLarge extends RuntimeException {
            TooLarge() {
                super("too large", null, false, false);
            }
        }
    }
}

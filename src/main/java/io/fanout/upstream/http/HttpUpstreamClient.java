package io.fanout.upstream.http;

import io.fanout.definition.UpstreamDefinition;
import io.fanout.upstream.CallBudget;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import io.fanout.upstream.TransportExchange;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import io.fanout.upstream.UpstreamResponse;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.AddressUtils;

/**
 * The HTTP transport of one upstream over Reactor Netty: its own connection pool sized by {@code max-connections},
 * a connect timeout, a per-attempt timeout covering headers and body, and {@code max-response-size} enforced while
 * the body streams in (a larger body is cut off, never buffered whole). Redirects are not followed. What every
 * transport does alike (attempt counting, time bound, the JSON verdict, failure naming) is {@link TransportExchange}'s.
 */
public final class HttpUpstreamClient implements UpstreamClient {

    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final long maxResponseSize;
    private final ConnectionProvider pool;
    private final HttpClient client;
    // HttpClient.request(method) copies the whole client configuration; done once per usual method instead of per
    // request (uri(...) and send(...) still copy it once each: the per-request part)
    private final HttpClient.RequestSender get;
    private final HttpClient.RequestSender post;
    private final String[] staticHeaders;
    private final TransportExchange<UpstreamRequest.Http> preamble;
    // built once: the method reference would otherwise be allocated on every call
    private final TransportExchange.Attempt<UpstreamRequest.Http> attempt = this::send;
    private final BiFunction<HttpClientResponse, ByteBufFlux, Mono<UpstreamResponse>> reader = this::read;

    /** A transport that bounds each attempt itself. */
    public HttpUpstreamClient(UpstreamDefinition upstream) {
        this(upstream, true);
    }

    /**
     * @param ownTimeout false when a decorator (the resilience layer) already bounds every attempt, so that each
     *                   attempt costs one timer, not two
     */
    public HttpUpstreamClient(UpstreamDefinition upstream, boolean ownTimeout) {
        this(upstream, ownTimeout, UpstreamEventLoops.shared());
    }

    /**
     * @param ownTimeout false when a decorator (the resilience layer) already bounds every attempt
     * @param loops      the event loops its connections live on
     */
    public HttpUpstreamClient(UpstreamDefinition upstream, boolean ownTimeout, UpstreamEventLoops loops) {
        this.name = upstream.name();
        this.preamble = new TransportExchange<>(name, UpstreamRequest.Http.class, ownTimeout, this::translate);
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
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.max(1, upstream.connectTimeout().toMillis()))
                .followRedirect(false)
                .keepAlive(true);
        LoopResources own = loops.resources();
        if (own != null) {
            c = c.runOn(own);
        }
        this.client = https ? c.secure() : c;
        this.get = client.request(HttpMethod.GET);
        this.post = client.request(HttpMethod.POST);
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
        return preamble.exchange(request, budget, attempt);
    }

    private Mono<UpstreamResponse> send(UpstreamRequest.Http request, long limitMillis) {
        // whether the request went out decides who is to blame for an IllegalArgumentException: before, the
        // request could not be built; after, the upstream's answer could not be decoded
        AtomicBoolean sent = new AtomicBoolean();
        byte[] body = request.body();
        return sender(request.method())
                .uri(request.pathAndQuery())
                .send((req, out) -> {
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
                    sent.set(true);
                    if (body == null) {
                        return out;
                    }
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    return out.sendByteArray(Mono.just(body));
                })
                .response(reader)
                .next()
                .switchIfEmpty(Mono.error(() ->
                        new CallFailure(ErrorType.INVALID_RESPONSE, name + " closed the connection without answering")))
                .onErrorMap(
                        e -> e instanceof IllegalArgumentException && !sent.get(),
                        e -> new CallFailure(ErrorType.BAD_TEMPLATE_VALUE, name + ": the request could not be built"));
    }

    private HttpClient.RequestSender sender(String method) {
        return switch (method) {
            case "GET" -> get;
            case "POST" -> post;
            default -> client.request(HttpMethod.valueOf(method));
        };
    }

    private Mono<UpstreamResponse> read(HttpClientResponse response, ByteBufFlux content) {
        int status = response.status().code();
        if (status < 200 || status >= 300) {
            return Mono.error(CallFailure.status(
                    name, status, RetryAfter.parse(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER))));
        }
        String length = response.responseHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Mono.error(
                        new CallFailure(ErrorType.INVALID_RESPONSE, name + " sent an invalid Content-Length"));
            }
            if (declared > maxResponseSize) {
                return Mono.error(preamble.tooLarge(maxResponseSize));
            }
            if (declared == 0) {
                return Mono.just(new UpstreamResponse(status, EMPTY, UpstreamResponse.Source.NETWORK));
            }
        }
        // one operator for collect + map + error naming
        return new BodyReader(content, status, declared, maxResponseSize, preamble, name);
    }

    /** Names a failure of an attempt that is not already a {@link CallFailure}. */
    private CallFailure translate(Throwable e, long limitMillis) {
        if (e instanceof TimeoutException) {
            return preamble.timedOut(limitMillis);
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
        if (e instanceof IOException) {
            return new CallFailure(ErrorType.CONNECT_ERROR, name + ": connection failed");
        }
        if (e instanceof IllegalArgumentException || e instanceof DecoderException) {
            // Netty's HTTP decoder rejects a status line or header that is not HTTP with these
            return new CallFailure(ErrorType.INVALID_RESPONSE, name + " answered something that is not HTTP");
        }
        return new CallFailure(ErrorType.INVALID_RESPONSE, name + ": the answer could not be read");
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
}

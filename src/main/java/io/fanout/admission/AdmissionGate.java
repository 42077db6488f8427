package io.fanout.admission;

import io.fanout.render.ProblemDocument;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import reactor.netty.NettyPipeline;

/**
 * Refuses composite requests over the limit in the connection's Netty pipeline, right after the HTTP codec: no
 * WebFlux exchange, no routing through Spring, no span, no filter chain, one 503 problem written straight back
 * (docs/reliability.md). Under overload most requests are refusals, so their cost is what is left for the admitted
 * ones: through WebFlux a refusal cost ~47 µs of CPU, here ~22 µs (docs/benchmarks.md, run G).
 *
 * <p>The gate only refuses; it never admits. A request it lets pass goes on to WebFlux, where {@link Admission}
 * takes (or, if the count moved in between, refuses) its place as before. It refuses only when all of these hold,
 * and otherwise passes the request on untouched:
 * <ul>
 *   <li>the in-flight count is at the limit;
 *   <li>{@link Requests#gated} says the request is a composite request that meets admission before anything else —
 *       an endpoint with {@code auth} checks the client's quota first (SPEC §11), so it is left to the route;
 *   <li>the request has no body (so nothing is left unread on a kept-alive connection) and is not {@code HEAD};
 *   <li>no earlier request of the connection is still being answered (a pipelined request must not be answered
 *       before the one ahead of it).
 * </ul>
 * One instance per connection; every method runs on the connection's event loop, so plain fields suffice.
 */
public final class AdmissionGate extends ChannelDuplexHandler {

    /** The pipeline name of the gate. */
    public static final String NAME = "fanout.admissionGate";

    /** What the gate needs to know about a request, from the web layer (it knows endpoints; admission does not). */
    public interface Requests {

        /** Whether a request of {@code method} on {@code rawPath} is a composite request admitted before any edge check. */
        boolean gated(String method, String rawPath);

        /** The request id to answer with: the client's {@code X-Request-Id} when sane, else a new one. */
        String requestId(@Nullable String header);
    }

    /** Shared by all connections: the limit, what the refusal says, and how many were refused here. */
    public static final class Shared {

        private final AdmissionLimit limit;
        private final Requests requests;
        private final String retryAfter;
        private final LongAdder refused = new LongAdder();

        public Shared(AdmissionLimit limit, Requests requests, long retryAfterSeconds) {
            this.limit = limit;
            this.requests = requests;
            this.retryAfter = Long.toString(retryAfterSeconds);
        }

        /** Requests refused by the gate (they are in {@link AdmissionLimit#refusals()} too). */
        public long refusals() {
            return refused.sum();
        }

        /** Adds a gate to a plain HTTP/1.1 pipeline, just before Reactor Netty's request handling. */
        public void install(ChannelPipeline pipeline) {
            if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
                pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, new AdmissionGate(this));
            }
        }
    }

    private final Shared shared;
    /** Requests passed on whose response has not been written to its end. */
    private int answering;
    /** Dropping the rest of a refused request (its empty last content). */
    private boolean discarding;
    /**
     * A message was swallowed in this read: ask for the next one. Reactor Netty reads on demand (auto-read off, the
     * request handling asks for more when an answer is done), and a request it never saw would leave the
     * connection unread for good.
     */
    private boolean readMore;

    AdmissionGate(Shared shared) {
        this.shared = shared;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding && msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                discarding = false;
            }
            readMore = true;
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (answering == 0 && refuses(request)) {
                refuse(ctx, request);
                readMore = true;
                if (msg instanceof LastHttpContent) {
                    ReferenceCountUtil.release(msg);
                } else {
                    discarding = true;
                }
                return;
            }
            answering++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readMore) {
            readMore = false;
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent
                && answering > 0
                && !(msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            answering--;
        }
        ctx.write(msg, promise);
    }

    private boolean refuses(HttpRequest request) {
        AdmissionLimit limit = shared.limit;
        if (!limit.isFull()) {
            return false;
        }
        String uri = request.uri();
        if (!request.decoderResult().isSuccess()
                || request.method() == HttpMethod.HEAD
                || uri.isEmpty()
                || uri.charAt(0) != '/'
                || HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) != 0) {
            return false;
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return shared.requests.gated(request.method().name(), path) && limit.refuseIfFull();
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest request) {
        shared.refused.increment();
        String requestId = shared.requests.requestId(request.headers().get(Admission.REQUEST_ID));
        byte[] body = ProblemDocument.of(503, Admission.detail(shared.limit.limit(), shared.retryAfter), requestId);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(
                request.protocolVersion(), HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.RETRY_AFTER, shared.retryAfter)
                .set(Admission.REQUEST_ID, requestId);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!request.protocolVersion().isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}

package io.fanout.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/**
 * The gate in a real Netty pipeline (an embedded channel with a stand-in for Reactor Netty's request handling
 * behind it): when it refuses, what it writes, and every case it must leave to WebFlux — room under the limit,
 * a path that is not a gated composite request, a body, {@code HEAD}, a connection still answering an earlier
 * (pipelined) request.
 */
class AdmissionGateTests {

    private final AdmissionLimit limit = AdmissionLimit.fixed(1);
    private final List<Object> passedOn = new ArrayList<>();
    private final AdmissionGate.Shared shared = new AdmissionGate.Shared(
            limit,
            new AdmissionGate.Requests() {
                @Override
                public boolean gated(String method, String rawPath) {
                    return rawPath.startsWith("/composite");
                }

                @Override
                public String requestId(@Nullable String header) {
                    return header != null ? header : "generated";
                }
            },
            2);
    private EmbeddedChannel channel;
    private AdmissionLimit.@Nullable Permit held;

    @BeforeEach
    void pipeline() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }
        });
        shared.install(channel.pipeline());
        shared.install(channel.pipeline()); // idempotent
        assertThat(channel.pipeline().names()).containsOnlyOnce(AdmissionGate.NAME);
    }

    @AfterEach
    void close() {
        if (held != null) {
            held.release(false);
        }
        channel.finishAndReleaseAll();
        passedOn.forEach(io.netty.util.ReferenceCountUtil::release);
    }

    @Test
    void shouldPassEverythingOnWhileThereIsRoom() {
        channel.writeInbound(get("/composite/1", "a"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(passedOn).hasSize(2);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(shared.refusals()).isZero();
    }

    @Test
    void shouldRefuseAGatedBodilessRequestAtTheLimitWithAWellFormedProblem() {
        held = limit.tryAcquire();

        channel.writeInbound(get("/composite/1?x=1", "over-1"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(passedOn)
                .as("neither the request nor its empty last content reach WebFlux")
                .isEmpty();
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.headers().get("Retry-After")).isEqualTo("2");
        assertThat(response.headers().get("X-Request-Id")).isEqualTo("over-1");
        assertThat(response.headers().get("Connection")).as("kept alive").isNull();
        String body = response.content().toString(StandardCharsets.UTF_8);
        assertThat(response.headers().getInt("Content-Length")).isEqualTo(body.length());
        assertThat(body)
                .contains("\"status\":503")
                .contains("\"requestId\":\"over-1\"")
                .contains("1 composite requests are in flight")
                .contains("fanout.server.max-in-flight");
        response.release();
        assertThat(shared.refusals()).isEqualTo(1);
        assertThat(limit.refusals()).as("counted in the limit's refusals too").isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();

        // the next request after a refusal is judged afresh: room again, so it passes
        held.release(false);
        held = null;
        channel.writeInbound(get("/composite/2", "b"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(passedOn).hasSize(2);
    }

    @Test
    void shouldAskForTheNextRequestAfterSwallowingOneWhenReadingOnDemand() {
        int[] reads = {0};
        channel.config().setAutoRead(false);
        channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        });
        held = limit.tryAcquire();

        channel.writeInbound(get("/composite/1", "over"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(reads[0])
                .as("Reactor Netty never saw the request, so it will not ask for the next one: the gate does")
                .isEqualTo(1);
        channel.<FullHttpResponse>readOutbound().release();
    }

    @Test
    void shouldCloseAfterRefusingWhenTheClientAskedForIt() {
        held = limit.tryAcquire();
        HttpRequest request = get("/composite/1", "closing");
        request.headers().set("Connection", "close");

        channel.writeInbound(request, LastHttpContent.EMPTY_LAST_CONTENT);

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.headers().get("Connection")).isEqualTo("close");
        response.release();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldAnswerAKeepAliveHttp10RequestWithKeepAlive() {
        held = limit.tryAcquire();
        HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/composite/1");
        request.headers().set("Connection", "keep-alive");

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(response.headers().get("Connection")).isEqualTo("keep-alive");
        response.release();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldLeaveToWebFluxWhatItMustNotAnswerItself() {
        held = limit.tryAcquire();

        // not a gated composite request (own API, 404, an endpoint with auth: the web layer says no)
        channel.writeInbound(get("/admin/config", "own"), LastHttpContent.EMPTY_LAST_CONTENT);
        respond();
        // HEAD: its answer has no body
        channel.writeInbound(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/composite/1"),
                LastHttpContent.EMPTY_LAST_CONTENT);
        respond();
        // a body: left to the route, so nothing stays unread on the connection
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/composite/1");
        post.headers().set("Content-Length", 2);
        channel.writeInbound(post, new DefaultHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
        channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        respond();
        HttpRequest chunked = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/composite/1");
        chunked.headers().set("Transfer-Encoding", "chunked");
        channel.writeInbound(chunked, LastHttpContent.EMPTY_LAST_CONTENT);
        respond();
        // an absolute-form target
        channel.writeInbound(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://h/composite/1"),
                LastHttpContent.EMPTY_LAST_CONTENT);
        respond();

        assertThat(shared.refusals()).isZero();
        assertThat(passedOn).hasSize(11);
    }

    @Test
    void shouldNotAnswerAPipelinedRequestBeforeTheOneAheadOfIt() {
        channel.writeInbound(get("/composite/1", "first"), LastHttpContent.EMPTY_LAST_CONTENT);
        held = limit.tryAcquire(); // the first request holds the only place
        channel.writeInbound(get("/composite/2", "second"), LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(passedOn).as("the second waits behind the first, in WebFlux").hasSize(4);
        assertThat((Object) channel.readOutbound()).isNull();

        // an interim 100 Continue does not end the first answer; its headers and body do
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT); // first answered
        channel.writeOutbound(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE));
        channel.releaseOutbound();

        channel.writeInbound(get("/composite/3", "third"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(passedOn)
                .as("the connection is idle again: the gate refuses")
                .hasSize(4);
        FullHttpResponse response = channel.readOutbound();
        assertThat(response.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(response.headers().get("X-Request-Id")).isEqualTo("third");
        response.release();
    }

    /** WebFlux's answer to the request passed on last. */
    private void respond() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.releaseOutbound();
    }

    private static HttpRequest get(String uri, String requestId) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set("X-Request-Id", requestId);
        return request;
    }
}

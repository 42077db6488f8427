package io.fanout.config;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * Cuts clients that send a request too slowly ({@link ServerTimeouts}). Reactor Netty's idle timeout restarts with
 * every byte, so on its own it never stops a client that trickles its headers; the header deadline here starts at a
 * request's first byte and does not move until its headers are complete.
 */
@Configuration(proxyBeanMethods = false)
class SlowClientConfiguration {

    private static final String RAW_BYTES = "fanout.headerDeadline.bytes";
    private static final String DECODED = "fanout.headerDeadline.requests";

    @Bean
    NettyServerCustomizer slowClientCustomizer(ServerTimeouts timeouts) {
        long headerMillis = timeouts.headerTimeout().toMillis();
        long bodyMillis = timeouts.bodyTimeout().toMillis();
        return server -> server.readTimeout(timeouts.bodyReadTimeout())
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    ChannelPipeline pipeline = channel.pipeline();
                    // only the plain HTTP/1.1 pipeline (h2c and TLS are not configured)
                    if (pipeline.get(NettyPipeline.HttpCodec) == null || pipeline.get(RAW_BYTES) != null) {
                        return;
                    }
                    HeaderDeadline deadline = new HeaderDeadline(headerMillis, bodyMillis);
                    pipeline.addBefore(NettyPipeline.HttpCodec, RAW_BYTES, deadline.bytes);
                    pipeline.addAfter(NettyPipeline.HttpCodec, DECODED, deadline.requests);
                });
    }

    /**
     * One connection's request clock: armed by the first raw byte of a request (header deadline), re-armed when the
     * codec has decoded its headers (body deadline, except for job uploads), disarmed by the request's last content.
     * All on the channel's event loop, so plain fields suffice.
     */
    static final class HeaderDeadline {

        /** Job uploads may take long while they keep sending; they have their own bounds (docs/jobs.md). */
        private static final String UPLOADS = "/jobs";

        private final long millis;
        private final long bodyMillis;
        private boolean betweenRequests = true;
        private @Nullable ScheduledFuture<?> timer;

        final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (betweenRequests && msg instanceof ByteBuf buf && buf.isReadable()) {
                    betweenRequests = false;
                    Runnable cut = () -> ctx.channel().close();
                    timer = ctx.executor().schedule(cut, millis, TimeUnit.MILLISECONDS);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                disarm();
                ctx.fireChannelInactive();
            }
        };

        final ChannelInboundHandlerAdapter requests = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request) {
                    disarm();
                    if (!(msg instanceof LastHttpContent) && !isUpload(request.uri())) {
                        Runnable cut = () -> ctx.channel().close();
                        timer = ctx.executor().schedule(cut, bodyMillis, TimeUnit.MILLISECONDS);
                    }
                }
                if (msg instanceof LastHttpContent) {
                    disarm();
                    betweenRequests = true;
                }
                ctx.fireChannelRead(msg);
            }
        };

        HeaderDeadline(long millis, long bodyMillis) {
            this.millis = millis;
            this.bodyMillis = bodyMillis;
        }

        private static boolean isUpload(String uri) {
            return uri.startsWith(UPLOADS)
                    && (uri.length() == UPLOADS.length()
                            || uri.charAt(UPLOADS.length()) == '/'
                            || uri.charAt(UPLOADS.length()) == '?');
        }

        private void disarm() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
                timer = null;
            }
        }
    }
}

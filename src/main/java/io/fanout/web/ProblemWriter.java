package io.fanout.web;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

import io.fanout.render.ProblemDocument;
import reactor.core.publisher.Mono;

/** Writes RFC 9457 problems ({@code application/problem+json}) with the request id; never a stack trace. */
public final class ProblemWriter {

    private ProblemWriter() {
    }

    static byte[] body(int status, String detail, String requestId) {
        return ProblemDocument.of(status, detail, requestId);
    }

    /** A functional-endpoint answer carrying a problem. */
    public static Mono<ServerResponse> response(ServerWebExchange exchange, int status, String detail,
                                                @Nullable HttpHeaders extraHeaders) {
        byte[] body = body(status, detail, RequestIds.of(exchange));
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .headers(h -> {
                    if (extraHeaders != null) {
                        h.addAll(extraHeaders);
                    }
                })
                .body((message, context) -> message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }

    /** Writes a problem straight to a response (for exception handlers). */
    static Mono<Void> write(ServerWebExchange exchange, int status, String detail, @Nullable Duration retryAfter) {
        ServerHttpResponse response = exchange.getResponse();
        byte[] body = body(status, detail, RequestIds.of(exchange));
        response.setRawStatusCode(status);
        HttpHeaders h = response.getHeaders();
        h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        h.setContentLength(body.length);
        h.set(RequestIds.HEADER, RequestIds.of(exchange));
        if (retryAfter != null) {
            h.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(ByteBuffer.wrap(body))));
    }
}

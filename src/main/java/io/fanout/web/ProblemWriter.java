package io.fanout.web;

import io.fanout.render.ProblemDocument;
import io.fanout.render.ProblemTypes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The one writer of RFC 9457 problem answers ({@code application/problem+json}) for Fanout's HTTP APIs — composite
 * routing errors, admin and jobs: status, headers, and a body of {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code requestId} plus any extension members (written by {@link ProblemDocument}); never a stack
 * trace. Handlers may also raise a {@link ProblemException} that their routes answer through here.
 */
public final class ProblemWriter {

    private ProblemWriter() {}

    /** A functional-endpoint answer carrying a problem. */
    public static Mono<ServerResponse> response(
            ServerWebExchange exchange, int status, String detail, @Nullable HttpHeaders extraHeaders) {
        return response(exchange, status, detail, Map.of(), extraHeaders);
    }

    /** A functional-endpoint answer carrying a problem with extension members ({@code errors}, {@code usedBy}, …). */
    public static Mono<ServerResponse> response(
            ServerWebExchange exchange,
            int status,
            String detail,
            Map<String, ? extends @Nullable Object> members,
            @Nullable HttpHeaders extraHeaders) {
        byte[] body =
                ProblemDocument.of(ProblemTypes.typeFor(status), status, detail, RequestIds.of(exchange), members);
        return answer(status, body, extraHeaders);
    }

    /**
     * A problem of its own {@code type} (not the one for its status), e.g. the edge's {@code invalid-token} and
     * {@code quota-exceeded} (SPEC §8).
     */
    public static Mono<ServerResponse> response(
            ServerWebExchange exchange, String type, int status, String detail, @Nullable HttpHeaders extraHeaders) {
        byte[] body = ProblemDocument.of(type, status, detail, RequestIds.of(exchange), Map.of());
        return answer(status, body, extraHeaders);
    }

    /** Writes a problem straight to a response (for exception handlers). */
    static Mono<Void> write(ServerWebExchange exchange, int status, String detail, @Nullable Duration retryAfter) {
        ServerHttpResponse response = exchange.getResponse();
        byte[] body = ProblemDocument.of(status, detail, RequestIds.of(exchange));
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

    private static Mono<ServerResponse> answer(int status, byte[] body, @Nullable HttpHeaders extraHeaders) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .headers(h -> {
                    if (extraHeaders != null) {
                        h.addAll(extraHeaders);
                    }
                })
                .body((message, context) ->
                        message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }
}

package io.fanout.web;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A handler's refusal as an RFC 9457 problem, raised anywhere in the handler and answered by its route through
 * {@link ProblemWriter} ({@code .onErrorResume(ProblemException.class, p -> p.response(request))}). Stackless: it
 * is an expected answer, not a bug.
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final Map<String, ? extends @Nullable Object> members;
    private final HttpHeaders headers;

    public ProblemException(int status, String detail) {
        this(status, detail, Map.of(), new HttpHeaders());
    }

    /**
     * @param members extension members after the standard ones, in the map's order
     * @param headers added to the answer ({@code ETag}, {@code Retry-After}, …)
     */
    public ProblemException(
            int status, String detail, Map<String, ? extends @Nullable Object> members, HttpHeaders headers) {
        super(detail, null, false, false);
        this.status = status;
        this.members = members;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public Map<String, ? extends @Nullable Object> members() {
        return members;
    }

    public Mono<ServerResponse> response(ServerRequest request) {
        return ProblemWriter.response(request.exchange(), status, String.valueOf(getMessage()), members, headers);
    }
}

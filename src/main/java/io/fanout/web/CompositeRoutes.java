package io.fanout.web;

import io.fanout.admission.Admission;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.CompositeResult;
import io.fanout.engine.Engine;
import io.fanout.engine.Execution;
import io.fanout.engine.RequestInput;
import io.fanout.json.JsonValidator;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import io.fanout.plan.RouteTable;
import io.fanout.render.Envelope;
import io.fanout.render.StreamLines;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Routes every path that is not Fanout's own ({@code /actuator}, {@code /admin}, {@code /jobs}) to the composite
 * endpoint of the active config, answering 404 and 405 problems itself. Lookups use the compiled route table, so
 * nothing is parsed or searched per request beyond the path segments.
 */
final class CompositeRoutes implements RouterFunction<ServerResponse> {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final ActiveConfig active;
    private final Engine engine;
    private final long maxRequestBody;
    private final Admission admission;
    private final @Nullable CompositeGuard edge;

    CompositeRoutes(ActiveConfig active, Engine engine, long maxRequestBody) {
        this(active, engine, maxRequestBody, Admission.off(), null);
    }

    CompositeRoutes(
            ActiveConfig active,
            Engine engine,
            long maxRequestBody,
            Admission admission,
            @Nullable CompositeGuard edge) {
        this.active = active;
        this.engine = engine;
        this.maxRequestBody = maxRequestBody;
        this.admission = admission;
        this.edge = edge;
    }

    @Override
    public Mono<HandlerFunction<ServerResponse>> route(ServerRequest request) {
        String path = request.requestPath().pathWithinApplication().value();
        if (isReserved(path)) {
            return Mono.empty();
        }
        CompiledConfig config = active.current();
        RouteTable.Lookup lookup = config.routes().find(request.method().name(), path);
        if (lookup instanceof RouteTable.Found found) {
            CompositeGuard guard = edge;
            // SPEC §11: over the in-flight limit the request is refused before any upstream call, after the quota.
            if (guard == null || !meetsEdgeFirst(found.endpoint(), guard)) {
                return Mono.just(
                        r -> admission.admit(r.exchange(), RequestIds.of(r.exchange()), () -> handle(r, found)));
            }
            return Mono.just(r -> guard.admit(
                    r,
                    config,
                    found.endpoint(),
                    admitted -> admission.admit(
                            admitted.exchange(), RequestIds.of(admitted.exchange()), () -> handle(admitted, found))));
        }
        if (lookup instanceof RouteTable.WrongMethod wrong) {
            return Mono.just(r -> {
                HttpHeaders h = new HttpHeaders();
                h.set(HttpHeaders.ALLOW, String.join(", ", wrong.allowed()));
                return ProblemWriter.response(
                        r.exchange(),
                        405,
                        "method " + r.method().name() + " is not allowed on " + path + " (allowed: "
                                + String.join(", ", wrong.allowed()) + ")",
                        h);
            });
        }
        return Mono.just(r -> ProblemWriter.response(r.exchange(), 404, "no endpoint at " + path, null));
    }

    /**
     * Whether {@link #route} would hand this request straight to admission: a composite endpoint (no 404/405) that
     * has no {@code auth}, or any endpoint when no edge is configured. Endpoints with {@code auth} check the
     * client's quota before admission (SPEC §11).
     */
    static boolean admitsFirst(ActiveConfig active, @Nullable CompositeGuard edge, String method, String rawPath) {
        if (isReserved(rawPath)) {
            return false;
        }
        return active.current().routes().find(method, rawPath) instanceof RouteTable.Found found
                && !meetsEdgeFirst(found.endpoint(), edge);
    }

    /**
     * SPEC §8: only endpoints with {@code auth} meet the edge (identity, quota, scopes), and only when an edge is
     * configured; the rest pay nothing and go straight to admission.
     */
    private static boolean meetsEdgeFirst(EndpointPlan endpoint, @Nullable CompositeGuard edge) {
        return endpoint.auth() != null && edge != null;
    }

    static boolean isReserved(String path) {
        return startsWithSegment(path, "/actuator")
                || startsWithSegment(path, "/admin")
                || startsWithSegment(path, "/jobs")
                || isApiDocumentation(path);
    }

    /** OpenAPI and Swagger UI (io.fanout.tooling, springdoc); the binder refuses endpoints under these too. */
    private static boolean isApiDocumentation(String path) {
        return startsWithSegment(path, "/v3/api-docs")
                || path.startsWith("/v3/api-docs.")
                || startsWithSegment(path, "/swagger-ui.html")
                || startsWithSegment(path, "/swagger-ui")
                || startsWithSegment(path, "/webjars");
    }

    private static boolean startsWithSegment(String path, String prefix) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private Mono<ServerResponse> handle(ServerRequest request, RouteTable.Found found) {
        EndpointPlan plan = found.endpoint();
        ServerHttpRequest raw = request.exchange().getRequest();
        HttpHeaders headers = raw.getHeaders();
        long declared = headers.getContentLength();
        if (declared > maxRequestBody) {
            return ProblemWriter.response(
                    request.exchange(), 413, "the request body is larger than " + maxRequestBody + " bytes", null);
        }
        if (!plan.readsBody()) {
            return run(request, found, headers, null);
        }
        return DataBufferUtils.join(
                        request.body(BodyExtractors.toDataBuffers()), (int) Math.min(Integer.MAX_VALUE, maxRequestBody))
                .map(Buffers::bytes)
                .flatMap(body -> {
                    if (body.length > 0 && !JsonValidator.isValid(body)) {
                        return ProblemWriter.response(
                                request.exchange(), 400, "the request body is not valid JSON", null);
                    }
                    return run(request, found, headers, body);
                })
                .switchIfEmpty(Mono.defer(() -> run(request, found, headers, null)));
    }

    private Mono<ServerResponse> run(
            ServerRequest request, RouteTable.Found found, HttpHeaders headers, byte @Nullable [] body) {
        MultiValueMap<String, String> query = request.exchange().getRequest().getQueryParams();
        RequestInput input = new RequestInput(
                RequestIds.of(request.exchange()),
                found.pathVariables(),
                query::getFirst,
                headers::getFirst,
                body,
                found.endpoint().auth() == null ? null : request.exchange().getAttribute(CompositeGuard.CLIENT));
        Execution ex = engine.start(found.endpoint(), input, false);
        String accept = headers.getFirst(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("application/x-ndjson")) {
            return stream(engine.stream(ex, StreamLines::ndjson, StreamLines::ndjsonLast), NDJSON);
        }
        if (accept != null && accept.contains("text/event-stream")) {
            return stream(engine.stream(ex, StreamLines::sseCall, StreamLines::sseDone), MediaType.TEXT_EVENT_STREAM);
        }
        return engine.answer(ex).flatMap(CompositeRoutes::respond);
    }

    private static Mono<ServerResponse> respond(CompositeResult result) {
        ServerResponse.BodyBuilder b = ServerResponse.status(result.status())
                .contentType(result.failed() ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON);
        if (result.partial()) {
            b.header("Fanout-Partial", "true");
        }
        Duration retryAfter = result.retryAfter();
        if (retryAfter != null) {
            b.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        // the envelope goes straight into one (pooled, under Netty) buffer of the answer's exact size
        return b.body((message, context) -> {
            DataBuffer body = Envelope.render(result, (bytes, length) -> {
                DataBuffer copy = message.bufferFactory().allocateBuffer(length);
                return copy.write(bytes, 0, length);
            });
            message.getHeaders().setContentLength(body.readableByteCount());
            return message.writeWith(Mono.just(body));
        });
    }

    private static Mono<ServerResponse> stream(Flux<byte[]> lines, MediaType type) {
        return ServerResponse.ok()
                .contentType(type)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .body((message, context) -> message.writeAndFlushWith(
                        lines.map(l -> Mono.just(message.bufferFactory().wrap(l)))));
    }
}

package io.fanout.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.compile.CompiledConfig;
import io.fanout.definition.ConfigParser;
import io.fanout.engine.ActiveConfig;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.resilience.ResilientUpstreamClient;
import io.fanout.web.ProblemWriter;
import reactor.core.publisher.Mono;

/**
 * The admin API of the no-database mode: reads of the active config (YAML or JSON by {@code Accept}, version in
 * {@code ETag}), its single version, upstream and endpoint sections; every write answers 409 "read-only".
 */
public final class AdminRoutes {

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private final ActiveConfig active;
    private final AdminAuth auth;
    private final String source;
    private final Instant loadedAt = Instant.now();

    public AdminRoutes(ActiveConfig active, AdminAuth auth, String source) {
        this.active = active;
        this.auth = auth;
        this.source = source;
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .path("/admin", b -> b
                        .filter((request, next) -> authorize(request).switchIfEmpty(Mono.defer(() -> next.handle(request))))
                        .GET("/config", this::config)
                        .GET("/config/versions", this::versions)
                        .GET("/config/versions/{n}", this::version)
                        .GET("/upstreams/{name}/status", this::status)
                        .GET("/upstreams/{name}", r -> section(r, "upstreams"))
                        .GET("/endpoints/{name}", r -> section(r, "endpoints"))
                        .route(r -> r.method() != HttpMethod.GET && r.method() != HttpMethod.HEAD, this::readOnly)
                        .route(r -> true, r -> ProblemWriter.response(r.exchange(), 404, "no admin resource at "
                                + r.path(), null)))
                .build();
    }

    private Mono<ServerResponse> authorize(ServerRequest request) {
        return switch (auth.check(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
            case OK -> Mono.empty();
            case DISABLED -> ProblemWriter.response(request.exchange(), 403, "the admin API is disabled: set"
                    + " FANOUT_ADMIN_TOKEN to a secret token and send it as 'Authorization: Bearer <token>'", null);
            case MISSING -> unauthorized(request, "missing bearer token");
            case WRONG -> unauthorized(request, "wrong bearer token");
        };
    }

    private static Mono<ServerResponse> unauthorized(ServerRequest request, String detail) {
        HttpHeaders h = new HttpHeaders();
        h.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"fanout-admin\"");
        return ProblemWriter.response(request.exchange(), 401, detail, h);
    }

    private Mono<ServerResponse> config(ServerRequest request) {
        CompiledConfig c = active.current();
        return document(request, ConfigParser.toDocument(c.definition()), c.version());
    }

    private Mono<ServerResponse> section(ServerRequest request, String kind) {
        CompiledConfig c = active.current();
        String name = request.pathVariable("name");
        Object part = ConfigDocuments.section(ConfigParser.toDocument(c.definition()), kind).get(name);
        if (part == null) {
            return ProblemWriter.response(request.exchange(), 404, "no " + kind.substring(0, kind.length() - 1)
                    + " named '" + name + "'", null);
        }
        return document(request, part, c.version());
    }

    private Mono<ServerResponse> status(ServerRequest request) {
        String name = request.pathVariable("name");
        UpstreamClient client = active.current().upstreams().get(name);
        if (!(client instanceof ResilientUpstreamClient resilient)) {
            return ProblemWriter.response(request.exchange(), 404, "no upstream named '" + name + "'", null);
        }
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ConfigDocuments.json(resilient.status()));
    }

    private Mono<ServerResponse> versions(ServerRequest request) {
        CompiledConfig c = active.current();
        Map<String, Object> v = versionInfo(c.version());
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ConfigDocuments.json(Map.of("versions", List.of(v))));
    }

    private Map<String, Object> versionInfo(long version) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", version);
        v.put("createdAt", loadedAt.toString());
        v.put("createdBy", "file");
        v.put("comment", "loaded from " + source);
        return v;
    }

    private Mono<ServerResponse> version(ServerRequest request) {
        CompiledConfig c = active.current();
        long n;
        try {
            n = Long.parseLong(request.pathVariable("n"));
        } catch (NumberFormatException e) {
            return ProblemWriter.response(request.exchange(), 400, "version must be a number but was '"
                    + request.pathVariable("n") + "'", null);
        }
        if (n != c.version()) {
            return ProblemWriter.response(request.exchange(), 404, "no config version " + n, null);
        }
        return document(request, ConfigParser.toDocument(c.definition()), n);
    }

    private Mono<ServerResponse> readOnly(ServerRequest request) {
        return ProblemWriter.response(request.exchange(), 409, "read-only: no database configured (config comes"
                + " from " + source + "; set spring.r2dbc.url to change it at runtime)", null);
    }

    private static Mono<ServerResponse> document(ServerRequest request, Object document, long version) {
        boolean yaml = wantsYaml(request);
        byte[] body = yaml ? ConfigDocuments.yaml(document) : ConfigDocuments.json(document);
        return ServerResponse.ok().contentType(yaml ? YAML : MediaType.APPLICATION_JSON)
                .eTag("\"" + version + "\"")
                .bodyValue(body);
    }

    private static boolean wantsYaml(ServerRequest request) {
        for (MediaType t : request.headers().accept()) {
            if (t.getSubtype().contains("yaml")) {
                return true;
            }
            if (t.getSubtype().equals("json")) {
                return false;
            }
        }
        return false;
    }
}

package io.fanout.admin;

import io.fanout.engine.ActiveConfig;
import io.fanout.reload.ConfigSource;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamStatus;
import io.fanout.web.ProblemWriter;
import io.fanout.web.auth.AccessGuard;
import io.fanout.web.auth.Authenticator;
import io.fanout.web.auth.BearerTokenAuthenticator;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The admin API (SPEC §4): which resource answers which path and method, behind the bearer token. The config
 * resources are {@link ConfigHandlers} over a {@link ConfigSource} (file or database mode, the same HTTP); YAML/JSON,
 * {@code ETag}/{@code If-Match} and paging details are {@link AdminRequests}'.
 */
public final class AdminRoutes {

    /** {@code Fanout-Reason}: why a change is made, recorded with its version. */
    public static final String REASON_HEADER = AdminRequests.REASON_HEADER;

    private final ActiveConfig active;
    private final AccessGuard guard;
    private final ConfigHandlers config;

    /**
     * @param tokens who may use the API ({@code FANOUT_ADMIN_TOKEN} and named tokens; the name is the author of a
     *               change)
     * @param source the config and its changes (file or database mode)
     */
    public AdminRoutes(ActiveConfig active, Authenticator tokens, ConfigSource source) {
        this.active = active;
        this.guard = new AccessGuard(
                tokens,
                "fanout-admin",
                "the admin API is disabled: set FANOUT_ADMIN_TOKEN to a"
                        + " secret token and send it as 'Authorization: Bearer <token>'");
        this.config = new ConfigHandlers(source);
    }

    public RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .route(
                        RequestPredicates.path("/admin/config"),
                        AdminResource.of(Map.of(
                                HttpMethod.GET, config::config,
                                HttpMethod.PUT, config::putConfig)))
                .route(
                        RequestPredicates.path("/admin/config/versions"),
                        AdminResource.of(Map.of(HttpMethod.GET, config::versions)))
                .route(
                        RequestPredicates.path("/admin/config/versions/{n}"),
                        AdminResource.of(Map.of(HttpMethod.GET, config::version)))
                .route(
                        RequestPredicates.path("/admin/config/versions/{n}/restore"),
                        AdminResource.of(Map.of(HttpMethod.POST, config::restore)))
                .route(
                        RequestPredicates.path("/admin/upstreams/{name}/status"),
                        AdminResource.of(Map.of(HttpMethod.GET, this::status)))
                .route(RequestPredicates.path("/admin/upstreams/{name}"), section(ConfigHandlers.UPSTREAMS))
                .route(RequestPredicates.path("/admin/endpoints/{name}"), section(ConfigHandlers.ENDPOINTS))
                .route(
                        RequestPredicates.path("/admin").or(RequestPredicates.path("/admin/**")),
                        r -> ProblemWriter.response(r.exchange(), 404, "no admin resource at " + r.path(), null))
                .filter(guard)
                .build();
    }

    private HandlerFunction<ServerResponse> section(String kind) {
        return AdminResource.of(Map.of(
                HttpMethod.GET, r -> config.readSection(r, kind),
                HttpMethod.PUT, r -> config.putSection(r, kind),
                HttpMethod.DELETE, r -> config.deleteSection(r, kind)));
    }

    /** The author of the changes this request makes: the name of its token. */
    static String author(ServerRequest request) {
        return AccessGuard.principal(request, BearerTokenAuthenticator.DEFAULT_NAME);
    }

    private Mono<ServerResponse> status(ServerRequest request) {
        String name = request.pathVariable("name");
        UpstreamClient client = active.current().upstreams().get(name);
        UpstreamStatus status = client == null ? null : client.status();
        if (status == null) {
            return ProblemWriter.response(request.exchange(), 404, "no upstream named '" + name + "'", null);
        }
        return AdminRequests.json(status);
    }
}

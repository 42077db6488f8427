package io.fanout.web;

import io.fanout.admission.Admission;
import io.fanout.admission.AdmissionGate;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Fanout's HTTP routes: composite endpoints plus the jobs API placeholder of the no-database mode. */
public final class WebRoutes {

    private WebRoutes() {}

    public static RouterFunction<ServerResponse> create(ActiveConfig active, Engine engine, long maxRequestBody) {
        return create(active, engine, maxRequestBody, Admission.off(), null);
    }

    /**
     * The routes: endpoints with {@code auth} meet {@code edge} first (identity, quota, scopes; SPEC §8), then
     * every composite request is admitted by {@code admission} (SPEC §11: client quotas are checked before it).
     */
    public static RouterFunction<ServerResponse> create(
            ActiveConfig active,
            Engine engine,
            long maxRequestBody,
            Admission admission,
            @Nullable CompositeGuard edge) {
        RouterFunction<ServerResponse> jobs = RouterFunctions.route(
                r -> CompositeRoutes.isReserved(
                                r.requestPath().pathWithinApplication().value())
                        && r.requestPath().pathWithinApplication().value().startsWith("/jobs"),
                r -> ProblemWriter.response(
                        r.exchange(), 503, "jobs need a database: configure spring.r2dbc.url", null));
        return jobs.and(new CompositeRoutes(active, engine, maxRequestBody, admission, edge));
    }

    /**
     * What the admission gate asks of a request before WebFlux sees it: a composite request that meets admission
     * first (the route would call {@code admission.admit} before anything else), and its request id.
     */
    public static AdmissionGate.Requests admissionGate(ActiveConfig active, @Nullable CompositeGuard edge) {
        return new AdmissionGate.Requests() {
            @Override
            public boolean gated(String method, String rawPath) {
                return CompositeRoutes.admitsFirst(active, edge, method, rawPath);
            }

            @Override
            public String requestId(@Nullable String header) {
                return RequestIds.acceptOrGenerate(header);
            }
        };
    }

    /** Paths of Fanout's own APIs ({@code /actuator}, {@code /admin}, {@code /jobs}): never a composite endpoint. */
    public static boolean isOwnApi(String path) {
        return CompositeRoutes.isReserved(path);
    }
}

package io.fanout.web;

import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.admission.Admission;
import io.fanout.engine.ActiveConfig;
import io.fanout.engine.Engine;

/** Fanout's HTTP routes: composite endpoints plus the jobs API placeholder of the no-database mode. */
public final class WebRoutes {

    private WebRoutes() {
    }

    public static RouterFunction<ServerResponse> create(ActiveConfig active, Engine engine, long maxRequestBody) {
        return create(active, engine, maxRequestBody, Admission.off());
    }

    /** As {@link #create(ActiveConfig, Engine, long)}, composite requests admitted by {@code admission} (SPEC §11). */
    public static RouterFunction<ServerResponse> create(ActiveConfig active, Engine engine, long maxRequestBody,
                                                        Admission admission) {
        RouterFunction<ServerResponse> jobs = RouterFunctions.route(
                r -> CompositeRoutes.isReserved(r.requestPath().pathWithinApplication().value())
                        && r.requestPath().pathWithinApplication().value().startsWith("/jobs"),
                r -> ProblemWriter.response(r.exchange(), 503, "jobs need a database: configure spring.r2dbc.url",
                        null));
        return jobs.and(new CompositeRoutes(active, engine, maxRequestBody, admission));
    }

    /** Paths of Fanout's own APIs ({@code /actuator}, {@code /admin}, {@code /jobs}): never a composite endpoint. */
    public static boolean isOwnApi(String path) {
        return CompositeRoutes.isReserved(path);
    }
}

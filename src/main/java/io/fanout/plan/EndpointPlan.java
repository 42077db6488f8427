package io.fanout.plan;

import io.fanout.definition.OnFailure;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One compiled endpoint: route, deadline, failure mode, forwarded headers, its calls in declaration order and the
 * client inputs its templates read.
 *
 * @param name               endpoint name
 * @param method             upper-case HTTP method
 * @param route              the route pattern
 * @param deadline           budget of a whole request
 * @param onFailure          partial or fail-fast
 * @param forwardHeaders     client headers forwarded to every call, lower case
 * @param calls              calls in declaration order (index = position)
 * @param readsBody          true when a template reads the client body
 * @param hasDependencies    true when any call waits for another
 * @param queryParameters    client query parameters its templates read ({@code {query.X}}), first use first
 * @param headers            client headers its templates read ({@code {header.X}}), lower case, first use first
 * @param timers             request timers by outcome
 * @param auth               what callers must prove (SPEC §8), or null for a public endpoint
 * @param clientTemplates    its {@code {client.*}} and {@code {claims.*}} templates as written, first use first
 */
public record EndpointPlan(
        String name,
        String method,
        RoutePattern route,
        Duration deadline,
        OnFailure onFailure,
        List<String> forwardHeaders,
        List<CallPlan> calls,
        boolean readsBody,
        boolean hasDependencies,
        List<String> queryParameters,
        List<String> headers,
        OutcomeTimers<RequestOutcome> timers,
        @Nullable EndpointAuth auth,
        List<String> clientTemplates) {

    public EndpointPlan {
        forwardHeaders = List.copyOf(forwardHeaders);
        calls = List.copyOf(calls);
        queryParameters = List.copyOf(queryParameters);
        headers = List.copyOf(headers);
        clientTemplates = List.copyOf(clientTemplates);
    }

    /** A public endpoint. */
    public EndpointPlan(
            String name,
            String method,
            RoutePattern route,
            Duration deadline,
            OnFailure onFailure,
            List<String> forwardHeaders,
            List<CallPlan> calls,
            boolean readsBody,
            boolean hasDependencies,
            List<String> queryParameters,
            List<String> headers,
            OutcomeTimers<RequestOutcome> timers) {
        this(
                name,
                method,
                route,
                deadline,
                onFailure,
                forwardHeaders,
                calls,
                readsBody,
                hasDependencies,
                queryParameters,
                headers,
                timers,
                null,
                List.of());
    }

    /** The endpoint path's variables in order ({@code {path.X}} reads them). */
    public List<String> pathVariables() {
        return route.variables();
    }
}

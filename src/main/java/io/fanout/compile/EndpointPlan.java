package io.fanout.compile;

import java.time.Duration;
import java.util.List;

import io.fanout.definition.OnFailure;

/**
 * One compiled endpoint: route, deadline, failure mode, forwarded headers and its calls in declaration order.
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
 * @param queryParameters    names of the client query parameters its templates read ({@code {query.X}}), in
 *                           order of first use
 * @param timers             request timers by outcome
 */
public record EndpointPlan(String name, String method, RoutePattern route, Duration deadline, OnFailure onFailure,
                           List<String> forwardHeaders, List<CallPlan> calls, boolean readsBody,
                           boolean hasDependencies, List<String> queryParameters, OutcomeTimers timers) {

    public EndpointPlan {
        forwardHeaders = List.copyOf(forwardHeaders);
        calls = List.copyOf(calls);
        queryParameters = List.copyOf(queryParameters);
    }

    /** The route's path variables, in route order. */
    public List<String> pathVariables() {
        return route.variables();
    }
}

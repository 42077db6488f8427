package io.fanout.engine;

import io.fanout.template.ClientIdentity;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What the engine needs from a client request, already extracted by the web layer.
 *
 * @param requestId       the request's id (sent upstream as X-Request-Id)
 * @param pathVariables   decoded route variables in route order
 * @param queryParameter  first value of a query parameter by name, or null
 * @param header          first value of a header by lower-case name, or null
 * @param body            raw client body, or null
 * @param client          who is calling (endpoints with {@code auth}), or null
 */
public record RequestInput(
        String requestId,
        String[] pathVariables,
        UnaryOperator<@Nullable String> queryParameter,
        UnaryOperator<@Nullable String> header,
        byte @Nullable [] body,
        @Nullable ClientIdentity client) {

    /** An anonymous request (endpoints without {@code auth}, job items). */
    public RequestInput(
            String requestId,
            String[] pathVariables,
            UnaryOperator<@Nullable String> queryParameter,
            UnaryOperator<@Nullable String> header,
            byte @Nullable [] body) {
        this(requestId, pathVariables, queryParameter, header, body, null);
    }
}

package io.fanout.observe;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The names of Fanout's structured-log fields, by the convention of the configured format
 * ({@code logging.structured.format.console}): ECS's dotted names ({@code trace.id}, {@code http.request.id},
 * {@code error.type}; Boot nests them into objects) for {@code ecs}, flat snake_case names ({@code trace_id},
 * {@code request_id}) for {@code logstash} and {@code gelf} (Boot prefixes GELF's additional fields with {@code _}).
 * The fields are SLF4J key-value pairs added only to the line being written, never MDC entries carried along.
 *
 * @param requestId  the request's id
 * @param traceId    the W3C trace id
 * @param endpoint   the endpoint's name
 * @param call       the call's name
 * @param upstream   the upstream's name
 * @param errorType  the SPEC error type ({@code timeout}, {@code circuit-open}, …)
 * @param method     the access log's HTTP method
 * @param route      the access log's route template
 * @param status     the access log's status
 * @param durationMs the access log's duration in milliseconds
 * @param partial    the access log's partial flag
 * @param clientId   the access log's client id (when a client was identified)
 */
public record LogKeys(
        String requestId,
        String traceId,
        String endpoint,
        String call,
        String upstream,
        String errorType,
        String method,
        String route,
        String status,
        String durationMs,
        String partial,
        String clientId) {

    /** Elastic Common Schema names (custom fields under {@code fanout.}). */
    public static final LogKeys ECS = new LogKeys(
            "http.request.id",
            "trace.id",
            "fanout.endpoint",
            "fanout.call",
            "fanout.upstream",
            "error.type",
            "http.request.method",
            "fanout.route",
            "http.response.status_code",
            "fanout.duration_ms",
            "fanout.partial",
            "client.id");

    /** Flat snake_case names, as Logstash's and GELF's documents use them. */
    public static final LogKeys FLAT = new LogKeys(
            "request_id",
            "trace_id",
            "endpoint",
            "call",
            "upstream",
            "error_type",
            "method",
            "route",
            "status",
            "duration_ms",
            "partial",
            "client_id");

    private static volatile LogKeys current = ECS;

    /** The names for the running application's console format. */
    public static LogKeys current() {
        return current;
    }

    /** Chooses the names for {@code format} (the value of {@code logging.structured.format.console}). */
    public static void useFormat(@Nullable String format) {
        current = forFormat(format);
    }

    static LogKeys forFormat(@Nullable String format) {
        if (format == null || format.isBlank()) {
            return ECS;
        }
        String f = format.trim().toLowerCase(Locale.ROOT);
        return f.equals("ecs") ? ECS : FLAT;
    }
}

package io.fanout.tooling.openapi;

import static io.fanout.tooling.openapi.Operations.body;
import static io.fanout.tooling.openapi.Operations.content;
import static io.fanout.tooling.openapi.Operations.header;
import static io.fanout.tooling.openapi.Operations.object;
import static io.fanout.tooling.openapi.Operations.ok;
import static io.fanout.tooling.openapi.Operations.operation;
import static io.fanout.tooling.openapi.Operations.path;
import static io.fanout.tooling.openapi.Operations.problems;
import static io.fanout.tooling.openapi.Operations.query;
import static io.fanout.tooling.openapi.Operations.ref;
import static io.fanout.tooling.openapi.Operations.schema;
import static io.fanout.tooling.openapi.Operations.withHeader;

import io.fanout.plan.CallPlan;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The composite endpoints of one compiled config: per endpoint its path variables, the query parameters and headers
 * its templates read (as the compiler collected them), the headers it forwards, a body when a template reads one, and
 * the {@code data/errors/meta} envelope whose {@code data} names each call (SPEC §2).
 */
final class CompositeApis {

    static final String TAG = "composite";

    private CompositeApis() {}

    static void addTo(Paths paths, Components components, CompiledConfig config) {
        for (EndpointPlan endpoint : config.endpoints()) {
            String envelope = "Envelope." + endpoint.name();
            components.addSchemas(envelope, envelope(endpoint));
            PathItem item = paths.computeIfAbsent(endpoint.route().text(), p -> new PathItem());
            Operation op = describe(endpoint);
            item.operation(PathItem.HttpMethod.valueOf(endpoint.method()), op);
            if (endpoint.method().equals("GET") && item.getHead() == null) {
                item.head(operation(TAG, "composite-" + endpoint.name() + "-head", "HEAD of " + endpoint.name())
                        .parameters(op.getParameters())
                        .responses(op.getResponses()));
            }
        }
    }

    private static Operation describe(EndpointPlan endpoint) {
        Operation op = operation(
                        TAG,
                        "composite-" + endpoint.name(),
                        "Composite endpoint '" + endpoint.name() + "': calls "
                                + String.join(
                                        ", ",
                                        endpoint.calls().stream()
                                                .map(CallPlan::name)
                                                .toList()))
                .description("Deadline " + endpoint.deadline().toMillis() + "ms, on-failure "
                        + endpoint.onFailure().name().toLowerCase(Locale.ROOT).replace('_', '-') + ".");
        endpoint.pathVariables().forEach(v -> op.addParametersItem(path(v, "read by {path." + v + "}")));
        endpoint.queryParameters().forEach(q -> op.addParametersItem(query(q, "string", "read by {query." + q + "}")));
        Set<String> headers = new LinkedHashSet<>(endpoint.headers());
        endpoint.headers().forEach(h -> op.addParametersItem(header(h, "read by {header." + h + "}")));
        endpoint.forwardHeaders().stream()
                .filter(headers::add)
                .forEach(h -> op.addParametersItem(header(h, "forwarded to every call")));
        op.addParametersItem(header("X-Request-Id", "kept when at most 128 visible ASCII characters"));
        if (endpoint.readsBody()) {
            op.requestBody(body(content(object(), "application/json"), true));
        }
        String envelope = "#/components/schemas/Envelope." + endpoint.name();
        op.getResponses()
                .addApiResponse(
                        "200",
                        withHeader(
                                withHeader(
                                        ok(
                                                "the composite answer; partial when" + " errors is non-empty",
                                                withStreams(envelope)),
                                        "Fanout-Partial",
                                        "true when errors is non-empty"),
                                "X-Request-Id",
                                "the request id"));
        return problems(
                op,
                "400",
                "bad request, e.g. a body that is not JSON",
                "404",
                "no endpoint at this path",
                "405",
                "method not allowed (Allow lists the methods)",
                "413",
                "request body too large",
                "4XX",
                "a required call's upstream answered 4xx (the same status)",
                "502",
                "a required call failed (connect-error, upstream-status 5xx, invalid-response, ...)",
                "503",
                "circuit-open, bulkhead-full or rate-limited (Retry-After)",
                "504",
                "timeout or deadline-exceeded");
    }

    private static io.swagger.v3.oas.models.media.Content withStreams(String envelope) {
        io.swagger.v3.oas.models.media.Content c =
                content(new io.swagger.v3.oas.models.media.JsonSchema().$ref(envelope), "application/json");
        c.addMediaType(
                "application/x-ndjson", new io.swagger.v3.oas.models.media.MediaType().schema(ref("StreamLine")));
        c.addMediaType(
                "text/event-stream",
                new io.swagger.v3.oas.models.media.MediaType()
                        .schema(schema("string")
                                .description("SSE events 'call' (a StreamLine) and 'done' (the meta)")));
        return c;
    }

    /** {@code data} with one property per call (null when the call failed), {@code errors}, {@code meta}. */
    private static Schema<Object> envelope(EndpointPlan endpoint) {
        Schema<Object> data = object();
        Schema<Object> calls = object();
        for (CallPlan call : endpoint.calls()) {
            data.addProperty(
                    call.name(),
                    new io.swagger.v3.oas.models.media.JsonSchema()
                            .description("the answer of " + call.upstream()
                                    + (call.forEach() == null ? "" : ", one element" + " per for-each item")
                                    + (call.required() ? "" : "; null when this optional call failed")));
            calls.addProperty(call.name(), ref("CallMeta"));
        }
        Schema<Object> meta = new io.swagger.v3.oas.models.media.JsonSchema();
        meta.allOf(java.util.List.of(ref("Meta"), object().addProperty("calls", calls)));
        Schema<Object> errors = schema("array").items(ref("CallError"));
        Schema<Object> envelope =
                object().addProperty("data", data).addProperty("errors", errors).addProperty("meta", meta);
        envelope.required(java.util.List.of("data", "errors", "meta"));
        return envelope.description("The answer of endpoint '" + endpoint.name() + "'");
    }

    /** Shared parts: the call error (closed set of types), meta, stream lines. */
    static void addShared(Components components, java.util.List<String> errorTypes) {
        components.addSchemas(
                "CallError",
                object().addProperty("call", schema("string"))
                        .addProperty("type", Operations.stringEnum(errorTypes))
                        .addProperty("message", schema("string"))
                        .addProperty("status", schema("integer").description("for upstream-status"))
                        .required(java.util.List.of("call", "type", "message")));
        components.addSchemas(
                "CallMeta",
                object().addProperty("status", schema("integer"))
                        .addProperty(
                                "source",
                                Operations.stringEnum(java.util.List.of("network", "cache", "stale", "coalesced")))
                        .addProperty("error", Operations.stringEnum(errorTypes))
                        .addProperty("durationMs", schema("integer"))
                        .addProperty("attempts", schema("integer"))
                        .required(java.util.List.of("durationMs", "attempts")));
        components.addSchemas(
                "Meta",
                object().addProperty("requestId", schema("string"))
                        .addProperty("traceId", schema("string"))
                        .addProperty("partial", schema("boolean"))
                        .addProperty("durationMs", schema("integer"))
                        .addProperty("calls", schema("object").additionalProperties(ref("CallMeta"))));
        components.addSchemas(
                "StreamLine",
                object().description(
                                "one NDJSON line: a call's data and meta, a call's" + " error, or the last line's meta")
                        .addProperty("call", schema("string"))
                        .addProperty("data", new io.swagger.v3.oas.models.media.JsonSchema())
                        .addProperty("error", ref("CallError"))
                        .addProperty("meta", new io.swagger.v3.oas.models.media.JsonSchema()));
    }
}

package io.fanout.admin;

import io.fanout.compile.ConfigPipeline;
import io.fanout.definition.InvalidConfigException;
import io.fanout.reload.ProposedChange;
import io.fanout.web.ProblemException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The HTTP details of admin requests and answers: YAML or JSON bodies by {@code Content-Type} and answers by
 * {@code Accept}, versions as {@code ETag}/{@code If-Match}, paging and flag parameters, and who asks why.
 */
final class AdminRequests {

    /** {@code Fanout-Reason}: why a change is made, recorded with its version. */
    static final String REASON_HEADER = "Fanout-Reason";

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final int MAX_REASON = 500;

    private AdminRequests() {}

    // ---- bodies and content negotiation

    /** The request body as a generic tree; YAML or JSON by {@code Content-Type} (none means YAML). */
    static Mono<Object> body(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && !isYaml(type) && !isJson(type)) {
            return Mono.error(new ProblemException(
                    415, "send the config as application/yaml or application/json," + " not " + type));
        }
        return request.bodyToMono(String.class)
                .onErrorMap(
                        DataBufferLimitException.class,
                        tooBig -> new ProblemException(
                                413, "the body is larger" + " than spring.codec.max-in-memory-size allows"))
                .switchIfEmpty(Mono.error(AdminRequests::emptyBody))
                .map(text -> {
                    Object tree;
                    try {
                        tree = ConfigPipeline.read(text);
                    } catch (InvalidConfigException syntax) {
                        throw ConfigRefusals.unreadable(syntax.problems());
                    }
                    if (tree == null) {
                        throw emptyBody();
                    }
                    return tree;
                });
    }

    private static ProblemException emptyBody() {
        return new ProblemException(400, "the body is empty: send the config as application/yaml or application/json");
    }

    private static boolean isYaml(MediaType type) {
        return type.getSubtype().equals("yaml")
                || type.getSubtype().equals("x-yaml")
                || type.getSubtype().endsWith("+yaml");
    }

    private static boolean isJson(MediaType type) {
        return type.getSubtype().equals("json") || type.getSubtype().endsWith("+json");
    }

    /** A config document (or part of one) as YAML or JSON by {@code Accept}, with its version as {@code ETag}. */
    static Mono<ServerResponse> document(ServerRequest request, @Nullable Object document, long version, int status) {
        return ServerResponse.status(status)
                .contentType(contentType(request))
                .eTag(etag(version))
                .bodyValue(render(request, document));
    }

    /** {@link #document} as 201 Created at the request's URI. */
    static Mono<ServerResponse> created(ServerRequest request, @Nullable Object document, long version) {
        return ServerResponse.created(request.uri())
                .contentType(contentType(request))
                .eTag(etag(version))
                .bodyValue(render(request, document));
    }

    /** A JSON answer that is not a config document (reports, listings, status). */
    static Mono<ServerResponse> json(@Nullable Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(ConfigDocuments.json(body));
    }

    private static MediaType contentType(ServerRequest request) {
        return wantsYaml(request) ? YAML : MediaType.APPLICATION_JSON;
    }

    private static byte[] render(ServerRequest request, @Nullable Object document) {
        return wantsYaml(request) ? ConfigDocuments.yaml(document) : ConfigDocuments.json(document);
    }

    private static boolean wantsYaml(ServerRequest request) {
        for (MediaType t : request.headers().accept()) {
            String subtype = t.getSubtype().toLowerCase(Locale.ROOT);
            if (subtype.contains("yaml")) {
                return true;
            }
            if (subtype.equals("json") || subtype.endsWith("+json")) {
                return false;
            }
        }
        return false;
    }

    // ---- versions

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** {@code If-Match} as the versions a change may be based on ({@code *} and weak tags included); null without. */
    static ProposedChange.@Nullable ExpectedVersion ifMatch(ServerRequest request) {
        List<String> values = request.headers().header(HttpHeaders.IF_MATCH);
        if (values.isEmpty()) {
            return null;
        }
        return new ProposedChange.ExpectedVersion(String.join(", ", values), version -> matches(values, version));
    }

    private static boolean matches(List<String> values, long version) {
        String wanted = etag(version);
        for (String value : values) {
            for (String tag : value.split(",")) {
                String t = tag.trim();
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals("*") || t.equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The version number in the path ({@code {n}}); 400 when it is not one. */
    static long versionNumber(ServerRequest request) {
        try {
            return Long.parseLong(request.pathVariable("n"));
        } catch (NumberFormatException e) {
            throw new ProblemException(400, "version must be a number but was '" + request.pathVariable("n") + "'");
        }
    }

    // ---- parameters

    static boolean isDryRun(ServerRequest request) {
        return request.queryParam("dry-run")
                .map(v -> v.isEmpty() || v.equalsIgnoreCase("true"))
                .orElse(false);
    }

    static long longParameter(ServerRequest request, String name, long otherwise) {
        String value = request.queryParam(name).orElse(null);
        if (value == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProblemException(400, name + " must be a number but was '" + value + "'");
        }
    }

    /** {@code Fanout-Reason} (trimmed, bounded) followed by what the change does, or only the latter. */
    static String reason(ServerRequest request, String what) {
        String given = request.headers().firstHeader(REASON_HEADER);
        if (given == null || given.isBlank()) {
            return what;
        }
        String trimmed = given.strip();
        return (trimmed.length() > MAX_REASON ? trimmed.substring(0, MAX_REASON) : trimmed) + " (" + what + ")";
    }
}

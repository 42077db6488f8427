package io.fanout.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.definition.ConfigProblem;
import io.fanout.render.ProblemTypes;
import io.fanout.web.RequestIds;
import reactor.core.publisher.Mono;

/**
 * An admin API answer that is an RFC 9457 problem, raised anywhere in a handler and written in one place; unlike
 * {@code ProblemWriter}'s it may carry extra members ({@code errors} with every validation problem, {@code usedBy}).
 * Stackless: it is an expected outcome, not a bug.
 */
final class AdminProblem extends RuntimeException {

    private final int status;
    private final Map<String, Object> members;
    private final HttpHeaders headers;

    AdminProblem(int status, String detail) {
        this(status, detail, Map.of(), new HttpHeaders());
    }

    AdminProblem(int status, String detail, Map<String, Object> members, HttpHeaders headers) {
        super(detail, null, false, false);
        this.status = status;
        this.members = members;
        this.headers = headers;
    }

    /** 422 naming every problem: in {@code detail} for people, in {@code errors} for programs. */
    static AdminProblem invalid(List<ConfigProblem> problems) {
        List<Map<String, Object>> errors = problems.stream().map(p -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("location", p.location());
            e.put("message", p.message());
            if (p.hint() != null) {
                e.put("hint", p.hint());
            }
            return e;
        }).toList();
        String detail = (problems.size() == 1 ? "1 problem: " : problems.size() + " problems: ")
                + String.join("; ", problems.stream().map(ConfigProblem::toString).toList())
                + "; nothing was stored or applied";
        return new AdminProblem(422, detail, Map.of("errors", errors), new HttpHeaders());
    }

    /** 400 for a body that is not YAML or JSON at all (syntax), with where it broke. */
    static AdminProblem unreadable(List<ConfigProblem> problems) {
        AdminProblem invalid = invalid(problems);
        return new AdminProblem(400, "the body is not valid YAML or JSON: " + String.join("; ",
                problems.stream().map(ConfigProblem::toString).toList()), invalid.members, new HttpHeaders());
    }

    /** 412 with the current version in {@code ETag}, so the client can tell how far behind it is. */
    static AdminProblem stale(String given, long current) {
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(AdminRoutes.etag(current));
        return new AdminProblem(412, "If-Match " + given + " does not match the current config version "
                + AdminRoutes.etag(current) + ": someone else changed the config first; read it again and"
                + " reapply your change", Map.of("currentVersion", current), headers);
    }

    Mono<ServerResponse> response(ServerRequest request) {
        Map<String, @Nullable Object> body = new LinkedHashMap<>();
        body.put("type", ProblemTypes.typeFor(status));
        body.put("title", ProblemTypes.title(status));
        body.put("status", status);
        body.put("detail", getMessage());
        body.put("requestId", RequestIds.of(request.exchange()));
        body.putAll(members);
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .headers(h -> h.addAll(headers))
                .bodyValue(ConfigDocuments.json(body));
    }
}

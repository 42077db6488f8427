package io.fanout.admin;

import io.fanout.definition.ConfigProblem;
import io.fanout.web.ProblemException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/** The admin API's problem answers about config documents: unreadable (400), invalid (422), stale (412). */
final class ConfigRefusals {

    private ConfigRefusals() {}

    /** 422 naming every problem: in {@code detail} for people, in {@code errors} for programs. */
    static ProblemException invalid(List<ConfigProblem> problems) {
        String detail = (problems.size() == 1 ? "1 problem: " : problems.size() + " problems: ")
                + String.join(
                        "; ", problems.stream().map(ConfigProblem::toString).toList())
                + "; nothing was stored or applied";
        return new ProblemException(422, detail, Map.of("errors", errors(problems)), new HttpHeaders());
    }

    /** 400 for a body that is not YAML or JSON at all (syntax), with where it broke. */
    static ProblemException unreadable(List<ConfigProblem> problems) {
        return new ProblemException(
                400,
                "the body is not valid YAML or JSON: "
                        + String.join(
                                "; ",
                                problems.stream().map(ConfigProblem::toString).toList()),
                Map.of("errors", errors(problems)),
                new HttpHeaders());
    }

    /** 412 with the current version in {@code ETag}, so the client can tell how far behind it is. */
    static ProblemException stale(String given, long current) {
        HttpHeaders headers = new HttpHeaders();
        headers.setETag(AdminRequests.etag(current));
        return new ProblemException(
                412,
                "If-Match " + given + " does not match the current config version "
                        + AdminRequests.etag(current) + ": someone else changed the config first; read it again and"
                        + " reapply your change",
                Map.of("currentVersion", current),
                headers);
    }

    private static List<Map<String, Object>> errors(List<ConfigProblem> problems) {
        return problems.stream()
                .map(p -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("location", p.location());
                    e.put("message", p.message());
                    if (p.hint() != null) {
                        e.put("hint", p.hint());
                    }
                    return e;
                })
                .toList();
    }
}

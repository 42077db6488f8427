package io.fanout.admin;

import io.fanout.web.ProblemException;
import io.fanout.web.ProblemWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * One admin resource: its handlers by method (HEAD served as GET), 405 with {@code Allow} for any other method, and
 * the problems its handlers raise written as answers.
 */
final class AdminResource {

    private static final List<HttpMethod> ORDER =
            List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST, HttpMethod.DELETE);

    private AdminResource() {}

    static HandlerFunction<ServerResponse> of(Map<HttpMethod, HandlerFunction<ServerResponse>> methods) {
        Set<String> allowed = new LinkedHashSet<>();
        for (HttpMethod m : ORDER) {
            if (methods.containsKey(m) || (m == HttpMethod.HEAD && methods.containsKey(HttpMethod.GET))) {
                allowed.add(m.name());
            }
        }
        String allow = String.join(", ", allowed);
        return request -> {
            HttpMethod method = request.method() == HttpMethod.HEAD ? HttpMethod.GET : request.method();
            HandlerFunction<ServerResponse> handler = methods.get(method);
            if (handler == null) {
                HttpHeaders headers = new HttpHeaders();
                headers.set(HttpHeaders.ALLOW, allow);
                return ProblemWriter.response(
                        request.exchange(),
                        405,
                        "method " + request.method().name() + " is not allowed on " + request.path() + " (allowed: "
                                + allow + ")",
                        headers);
            }
            return Mono.defer(() -> handler.handle(request))
                    .onErrorResume(ProblemException.class, p -> p.response(request));
        };
    }
}

package io.fanout.web.auth;

import io.fanout.web.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Lets only authenticated requests through to a set of routes: 403 problem (saying how to switch the API on) when no
 * credential is configured, 401 problem with a {@code WWW-Authenticate: Bearer} challenge (RFC 6750) for a missing
 * or wrong one; an authenticated request carries its principal ({@link #principal(ServerRequest)}).
 */
public final class AccessGuard implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private static final String PRINCIPAL = AccessGuard.class.getName() + ".principal";

    private final Authenticator authenticator;
    private final String realm;
    private final String disabledDetail;

    /**
     * @param realm          the challenge's realm
     * @param disabledDetail the 403's detail when no credential is configured
     */
    public AccessGuard(Authenticator authenticator, String realm, String disabledDetail) {
        this.authenticator = authenticator;
        this.realm = realm;
        this.disabledDetail = disabledDetail;
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        return refusal(request).switchIfEmpty(Mono.defer(() -> next.handle(request)));
    }

    /** The answer refusing {@code request}; empty when it is authenticated (its principal is then recorded). */
    public Mono<ServerResponse> refusal(ServerRequest request) {
        return authenticator.authenticate(request).flatMap(verdict -> switch (verdict.status()) {
            case AUTHENTICATED -> {
                request.attributes().put(PRINCIPAL, verdict.principal());
                yield Mono.empty();
            }
            case DISABLED -> ProblemWriter.response(request.exchange(), 403, disabledDetail, null);
            case MISSING, INVALID -> {
                HttpHeaders h = new HttpHeaders();
                h.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
                yield ProblemWriter.response(
                        request.exchange(),
                        401,
                        verdict.status() == Authentication.Status.MISSING
                                ? "missing bearer token"
                                : "wrong bearer token",
                        h);
            }
        });
    }

    /** The principal of a request this guard let through, else {@code otherwise}. */
    public static String principal(ServerRequest request, String otherwise) {
        Object name = request.attributes().get(PRINCIPAL);
        return name == null ? otherwise : name.toString();
    }
}

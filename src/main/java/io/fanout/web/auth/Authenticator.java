package io.fanout.web.auth;

import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Tells who a request is from its credentials. {@link BearerTokenAuthenticator} checks the operator tokens of the
 * admin and jobs APIs; client identities (JWTs, API keys) implement the same contract, asynchronously where they
 * need to (a JWKS fetch), and are enforced by the same {@link AccessGuard}.
 */
@FunctionalInterface
public interface Authenticator {

    /** The verdict on {@code request}'s credentials; never empty, never an error for bad credentials. */
    Mono<Authentication> authenticate(ServerRequest request);
}

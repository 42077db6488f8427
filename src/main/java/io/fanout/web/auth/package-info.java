/**
 * Who may call Fanout's own APIs: the {@link io.fanout.web.auth.Authenticator} contract, the operator bearer tokens
 * of the admin and jobs APIs ({@link io.fanout.web.auth.BearerTokenAuthenticator}, constant-time), and the
 * {@link io.fanout.web.auth.AccessGuard} that answers 401/403 problems. Client identities (JWT, API keys) plug in
 * as further authenticators. No route or resource logic here.
 */
@NullMarked
package io.fanout.web.auth;

import org.jspecify.annotations.NullMarked;

package io.fanout.web.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link Authenticator} made of a request's credentials.
 *
 * @param status    the verdict
 * @param principal who the request is (a token's name, later a JWT subject or an API key's name); only when
 *                  {@link Status#AUTHENTICATED}
 */
public record Authentication(Status status, @Nullable String principal) {

    /** The verdicts; every one but {@link #AUTHENTICATED} refuses the request. */
    public enum Status {
        /** No credential is configured: the API is switched off (403 that says how to switch it on). */
        DISABLED,
        /** The request carries no credential of the expected kind (401 with a challenge). */
        MISSING,
        /** The request's credential is not one that is accepted (401 with a challenge). */
        INVALID,
        /** The request is {@link Authentication#principal()}. */
        AUTHENTICATED
    }

    public Authentication {
        Objects.requireNonNull(status, "status");
        if ((status == Status.AUTHENTICATED) != (principal != null)) {
            throw new IllegalArgumentException(
                    "a principal exactly when authenticated, but was " + status + " and " + principal);
        }
    }

    public static Authentication of(String principal) {
        return new Authentication(Status.AUTHENTICATED, principal);
    }

    public static Authentication refused(Status status) {
        return new Authentication(status, null);
    }

    public boolean authenticated() {
        return status == Status.AUTHENTICATED;
    }
}

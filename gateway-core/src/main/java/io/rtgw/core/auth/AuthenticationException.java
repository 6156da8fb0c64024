package io.rtgw.core.auth;

import java.util.Objects;

/** A refused token. The message is safe to show to the client: it never contains the token. */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final AuthFailure failure;

    public AuthenticationException(AuthFailure failure, String message) {
        super(message, null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public AuthFailure failure() {
        return failure;
    }
}

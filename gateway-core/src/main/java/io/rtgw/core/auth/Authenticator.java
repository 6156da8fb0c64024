package io.rtgw.core.auth;

import io.rtgw.core.ClientIdentity;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies a bearer token. Asynchronous so that a verifier may fetch keys (JWKS) without
 * blocking an event loop; the common case returns an already completed future. A refusal
 * completes exceptionally with an {@link AuthenticationException}.
 */
public interface Authenticator {
    CompletableFuture<ClientIdentity> authenticate(String token);
}

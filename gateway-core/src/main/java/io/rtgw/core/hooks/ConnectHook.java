package io.rtgw.core.hooks;

import io.rtgw.core.ClientIdentity;
import java.util.concurrent.CompletableFuture;

/**
 * Admits a connection that carries no token by asking the app (docs/protocol.md §11). Like an
 * {@link io.rtgw.core.auth.Authenticator}, it never blocks the caller and refuses by completing
 * exceptionally with an {@link io.rtgw.core.auth.AuthenticationException}: {@code INVALID} (or
 * {@code EXPIRED}) when the app said no or answered nonsense, {@code UNAVAILABLE} when it did not
 * answer in time — never an admission.
 */
@FunctionalInterface
public interface ConnectHook {
    CompletableFuture<ClientIdentity> admit(ConnectRequest request);
}

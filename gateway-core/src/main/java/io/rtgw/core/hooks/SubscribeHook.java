package io.rtgw.core.hooks;

import io.rtgw.core.ClientIdentity;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the app whether a connection may subscribe to a channel its grants do not cover, in a
 * namespace with {@code subscribe_hook: true} (docs/protocol.md §11). Never completes
 * exceptionally: a failure is {@link HookVerdict#UNAVAILABLE}.
 */
@FunctionalInterface
public interface SubscribeHook {
    CompletableFuture<HookVerdict> decide(ClientIdentity identity, String client, String channel);
}

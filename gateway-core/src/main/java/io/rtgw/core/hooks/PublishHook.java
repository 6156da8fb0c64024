package io.rtgw.core.hooks;

import io.rtgw.core.ClientIdentity;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the app about a WebSocket client's publish in a namespace with {@code publish_hook: true}
 * (docs/protocol.md §11): allowed (possibly with replaced data) or refused. Never completes
 * exceptionally: a failure is {@link HookVerdict#UNAVAILABLE}.
 *
 * @see HookVerdict#data()
 */
@FunctionalInterface
public interface PublishHook {
    /** @param event the client's event name, or null; {@code data} is the client's JSON */
    CompletableFuture<HookVerdict> decide(ClientIdentity identity, String client, String channel, String event,
                                          String data);
}

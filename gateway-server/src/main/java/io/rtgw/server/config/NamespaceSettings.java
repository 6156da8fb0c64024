package io.rtgw.server.config;

import io.rtgw.core.broker.HistoryPolicy;

/**
 * Settings of one namespace (the part of a channel name before the first ':').
 *
 * @param clientPublish whether WebSocket clients may publish here at all; the token's {@code publish}
 *                      claim must still grant the channel
 * @param presence      whether the gateway tracks who is subscribed (costs a write per subscribe);
 *                      parsed only for now: nothing reads it yet
 */
public record NamespaceSettings(String name, HistoryPolicy history, boolean clientPublish, boolean presence) {
    public static final boolean DEFAULT_CLIENT_PUBLISH = true;
    /** Off unless asked for: presence costs Redis writes per subscribe (docs/protocol.md §9). */
    public static final boolean DEFAULT_PRESENCE = false;

    NamespaceSettings named(String other) {
        return new NamespaceSettings(other, history, clientPublish, presence);
    }
}

package io.rtgw.server.config;

import io.rtgw.core.broker.HistoryPolicy;

/**
 * Settings of one namespace (the part of a channel name before the first ':').
 *
 * @param clientPublish whether WebSocket clients may publish here at all; the token's {@code publish}
 *                      claim must still grant the channel
 * @param presence      whether the gateway tracks who is subscribed (costs a write per subscribe)
 * @param joinLeave     whether subscribers get live-only {@code rtgw.join} / {@code rtgw.leave}
 *                      messages (costs a publish per subscribe and per leave)
 * @param events        whether its channels produce {@code occupied}/{@code vacated} connection
 *                      events (docs/protocol.md §10) when those are on
 * @param subscribeHook whether a subscribe the grants do not cover is put to the app's subscribe hook
 *                      (docs/protocol.md §11) instead of refused
 * @param publishHook   whether client publishes go to the app's publish hook first (docs/protocol.md §11)
 */
public record NamespaceSettings(String name, HistoryPolicy history, boolean clientPublish, boolean presence,
                                boolean joinLeave, boolean events, boolean subscribeHook, boolean publishHook) {
    public static final boolean DEFAULT_CLIENT_PUBLISH = true;
    /** Off unless asked for: presence costs Redis writes per subscribe (docs/protocol.md §9). */
    public static final boolean DEFAULT_PRESENCE = false;
    /** Off unless asked for: each subscribe and leave is then a publish to every subscriber (docs/protocol.md §9). */
    public static final boolean DEFAULT_JOIN_LEAVE = false;
    /** On: a namespace opts out of occupied/vacated events with {@code events: false} (docs/protocol.md §10). */
    public static final boolean DEFAULT_EVENTS = true;

    public NamespaceSettings(String name, HistoryPolicy history, boolean clientPublish, boolean presence,
                             boolean joinLeave, boolean events) {
        this(name, history, clientPublish, presence, joinLeave, events, false, false);
    }

    public NamespaceSettings(String name, HistoryPolicy history, boolean clientPublish, boolean presence,
                             boolean joinLeave) {
        this(name, history, clientPublish, presence, joinLeave, DEFAULT_EVENTS);
    }

    /** A namespace without join/leave messages. */
    public NamespaceSettings(String name, HistoryPolicy history, boolean clientPublish, boolean presence) {
        this(name, history, clientPublish, presence, DEFAULT_JOIN_LEAVE);
    }

    NamespaceSettings named(String other) {
        return new NamespaceSettings(other, history, clientPublish, presence, joinLeave, events, subscribeHook,
                publishHook);
    }
}

package io.rtgw.core;

import java.util.List;

/**
 * What a session tells its client, independent of the wire format: each transport encodes these
 * in its own way (WebSocket JSON frames, SSE events, long-poll items). Channel names are always
 * the client's relative names; the tenant never appears on the wire.
 */
public sealed interface ServerMessage permits Publication, ServerMessage.Welcome,
        ServerMessage.Subscribed, ServerMessage.Unsubscribed, ServerMessage.Gap, ServerMessage.Ack,
        ServerMessage.ErrorReply, ServerMessage.Expiring, ServerMessage.Refreshed {

    /** The session is authenticated; {@code channels} are the ones it subscribes by itself. */
    record Welcome(String clientId, ClientIdentity identity, List<String> channels) implements ServerMessage {
    }

    /**
     * Delivery of {@code channel} starts after {@code position}; {@code recovered} is true only when
     * the client asked to resume and nothing it missed is lost.
     */
    record Subscribed(String channel, StreamPosition position, boolean recovered) implements ServerMessage {
    }

    record Unsubscribed(String channel) implements ServerMessage {
    }

    /** Some messages of the channel cannot be delivered; the client should reload its state. */
    record Gap(String channel) implements ServerMessage {
    }

    /** A client publication was accepted. */
    record Ack(String ref, StreamPosition id) implements ServerMessage {
    }

    /** A command failed; the connection stays open. {@code code} is a docs/protocol.md §4.6 reason string. */
    record ErrorReply(String ref, String code, String message) implements ServerMessage {
    }

    record Expiring(long inSeconds) implements ServerMessage {
    }

    record Refreshed(long expiresAt) implements ServerMessage {
    }
}

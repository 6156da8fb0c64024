package io.rtgw.core;

import io.rtgw.core.presence.PresenceEntry;
import java.util.List;

/**
 * What a session tells its client, independent of the wire format: each transport encodes these
 * in its own way (WebSocket JSON frames, SSE events, long-poll items). Channel names are always
 * the client's relative names; the tenant never appears on the wire.
 */
public sealed interface ServerMessage permits Publication, ServerMessage.Welcome,
        ServerMessage.Subscribed, ServerMessage.Unsubscribed, ServerMessage.Gap, ServerMessage.Ack,
        ServerMessage.ErrorReply, ServerMessage.Expiring, ServerMessage.Refreshed, ServerMessage.Positioned,
        ServerMessage.PresenceReply {

    /** The session is authenticated; {@code channels} are the ones it subscribes by itself. */
    record Welcome(String clientId, ClientIdentity identity, List<String> channels) implements ServerMessage {
    }

    /**
     * Delivery of {@code channel} starts after {@code position}; {@code recovered} is true only when
     * the client asked to resume and nothing it missed is lost. {@code ref} echoes the subscribe's
     * (null for the automatic channels and when the client sent none).
     */
    record Subscribed(String channel, StreamPosition position, boolean recovered, String ref) implements ServerMessage {
    }

    /**
     * The subscription of {@code channel} has ended; {@code ref} echoes the client's unsubscribe,
     * null when the server ended it.
     */
    record Unsubscribed(String channel, UnsubscribeReason reason, String ref) implements ServerMessage {
    }

    /** Who ended a subscription (docs/protocol.md §4): the client tells a deliberate end from a lost one. */
    enum UnsubscribeReason {
        /** The client asked. */
        CLIENT("client"),
        /** The server API ended it. */
        SERVER("server"),
        /** The token no longer grants the channel (a refresh narrowed it, or the app revoked it). */
        REVOKED("revoked");

        private final String wire;

        UnsubscribeReason(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** Some messages of the channel cannot be delivered; the client should reload its state. */
    record Gap(String channel) implements ServerMessage {
    }

    /** A client publication was accepted. */
    record Ack(String ref, StreamPosition id) implements ServerMessage {
    }

    /**
     * A command failed; the connection stays open. {@code ref} echoes the command's, {@code channel}
     * names the channel the command was about (null for commands without one); codes: docs/protocol.md §4.6. {@code temporary}
     * follows from the code: build replies with {@link #ErrorReply(String, String, ErrorCode, String)}.
     */
    record ErrorReply(String ref, String channel, String code, String message, boolean temporary)
            implements ServerMessage {

        public ErrorReply(String ref, String channel, ErrorCode code, String message) {
            this(ref, channel, code.code(), message, code.temporary());
        }
    }

    record Expiring(long inSeconds) implements ServerMessage {
    }

    record Refreshed(long expiresAt) implements ServerMessage {
    }

    /**
     * The answer to a WebSocket {@code presence} command (docs/protocol.md §9): the channel's
     * presence set across the fleet.
     */
    record PresenceReply(String ref, String channel, List<PresenceEntry> clients) implements ServerMessage {
    }

    /**
     * Every channel a stream (SSE, long-poll) started with has its position: each one's
     * {@code subscribed} came before it. Sent once; the stream can write its first cursor.
     */
    record Positioned() implements ServerMessage {
    }
}

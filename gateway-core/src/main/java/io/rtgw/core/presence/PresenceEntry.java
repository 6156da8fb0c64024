package io.rtgw.core.presence;

import java.util.Objects;

/**
 * One subscribed connection in a channel's presence set (docs/protocol.md §9).
 *
 * @param client the connection's id (as in {@code welcome})
 * @param user   the token's {@code sub}
 * @param info   the token's {@code info} claim as compact JSON, or null when it has none
 * @param since  Unix seconds when the connection joined the channel
 */
public record PresenceEntry(String client, String user, String info, long since) {
    public PresenceEntry {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(user, "user");
    }
}

package io.rtgw.core.control;

import java.util.Objects;

/**
 * What the server API asks of every node (docs/protocol.md §7). Each node applies a command to its
 * own connections and answers how many it affected.
 */
public sealed interface ControlCommand {
    String tenant();

    /** End the user's connections, or only {@code client} when not null. */
    record Disconnect(String tenant, String user, String client, boolean reconnect) implements ControlCommand {
        public Disconnect {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(user, "user");
        }
    }

    /** End the user's subscriptions to {@code channel} (a name relative to the tenant). */
    record Unsubscribe(String tenant, String user, String channel) implements ControlCommand {
        public Unsubscribe {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(channel, "channel");
        }
    }

    /** A revocation was stored: add it to the node's set and close the connections it covers. */
    record Revoke(Revocation revocation) implements ControlCommand {
        @Override
        public String tenant() {
            return revocation.tenant();
        }
    }

    /** A revocation was lifted: remove it from the node's set. */
    record Lift(Revocation revocation) implements ControlCommand {
        @Override
        public String tenant() {
            return revocation.tenant();
        }
    }
}

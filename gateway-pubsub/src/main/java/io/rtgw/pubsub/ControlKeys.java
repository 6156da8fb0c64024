package io.rtgw.pubsub;

import java.util.Objects;

/**
 * The Redis names of the control plane (docs/protocol.md §7), documented in docs/scaling.md
 * ("Control plane keys in Redis"). App channels are {@code <prefix>:{<tenant>:<channel>}} and
 * neither tenants nor channels may contain {@code ~} (docs/protocol.md §2), so every name here
 * starts its hash tag with {@code ~} and can never be an app channel's or its stream's.
 *
 * <p>Hash tags group what is read or written together into one Cluster slot: both revocation
 * sets ({@code {~revocations}}), and the node reports with every tenant's loads
 * ({@code {~cluster}}), so one pipelined read of a tenant's load is one round trip to one master.
 */
final class ControlKeys {
    private final String prefix;

    ControlKeys(String prefix) {
        this.prefix = new ChannelKeys(prefix).prefix(); // the same rules as the broker's prefix
    }

    /** The pub/sub channel every node listens on for commands. */
    String controlChannel() {
        return prefix + ":{~control}";
    }

    /** Where a node hears the answers to the commands it broadcast. */
    String replyChannel(String nodeId) {
        return prefix + ":{~node:" + nodeId + "}";
    }

    /** Sorted set: member {@code <tenant>|<user>}, score {@code before}. */
    String userRevocations() {
        return prefix + ":{~revocations}:users";
    }

    /** Sorted set: member {@code <tenant>|<jti>}, score the token's {@code exp}. */
    String tokenRevocations() {
        return prefix + ":{~revocations}:tokens";
    }

    /** Hash: node id → JSON of its latest NodeReport. */
    String nodes() {
        return prefix + ":{~cluster}:nodes";
    }

    /** Hash: node id → JSON of that node's TenantLoad of {@code tenant}. */
    String tenantLoad(String tenant) {
        return prefix + ":{~cluster}:t:" + tenant;
    }

    /** The base of a control link's probe channels, apart from every channel above. */
    String probeBase(String linkId) {
        return prefix + ":probe:" + linkId;
    }

    /** A node id becomes part of a channel name's hash tag, so it must not hold braces. */
    static String checkNodeId(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isEmpty() || nodeId.length() > 200 || nodeId.contains("{") || nodeId.contains("}")) {
            throw new IllegalArgumentException("nodeId: '" + nodeId + "' (expected: 1-200 characters, without braces)");
        }
        return nodeId;
    }

    /**
     * A revocation's sorted-set member: tenant ids never contain {@code |} (docs/protocol.md §2),
     * so the first {@code |} splits it again whatever the user id or jti holds.
     */
    static String member(String tenant, String subject) {
        if (tenant.indexOf('|') >= 0) {
            throw new IllegalArgumentException("tenant: '" + tenant + "' (expected: no '|')");
        }
        return tenant + "|" + subject;
    }
}

package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.Objects;

/**
 * The Redis names of PROTOCOL §2: {@code <prefix>:{<tenant>:<channel>}} for pub/sub, with the
 * stream and meta keys beside it. Tenant and channel validation (in {@link ChannelName})
 * guarantees that no two channels share a key and that the braces are the hash tag.
 */
final class ChannelKeys {
    private final String prefix;

    ChannelKeys(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("keyPrefix: '" + prefix + "' (expected: non-empty, without braces)");
        }
    }

    String prefix() {
        return prefix;
    }

    String of(ChannelName channel) {
        return prefix + ":{" + channel.tenant() + ":" + channel.name() + "}";
    }

    /** The node's own probe channel; its name cannot collide with a channel key (no braces). */
    String probe(String nodeId, boolean hashTagged) {
        return hashTagged ? prefix + ":probe:{" + nodeId + "}" : prefix + ":probe:" + nodeId;
    }
}

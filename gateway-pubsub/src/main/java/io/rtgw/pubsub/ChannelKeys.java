package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import java.util.Objects;

/**
 * The Redis names of docs/protocol.md §2: {@code <prefix>:{<tenant>:<channel>}} for pub/sub, with the
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

    /**
     * The base of the node's own probe channels. Channel keys are {@code prefix:{…}}, so a name
     * starting {@code prefix:probe:} can never be one.
     */
    String probeBase(String nodeId) {
        return prefix + ":probe:" + nodeId;
    }
}

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
     * The pub/sub channel of the function's envelopes for {@code channel} (docs/protocol.md §6),
     * apart from {@link #of} where apps {@code PUBLISH} any bytes. Every {@link #of} ends in
     * {@code '}'} (channel names cannot contain braces), so no channel's key ends in
     * {@link #ENVELOPE_SUFFIX}; the hash tag is the same, so on Cluster both live in one slot
     * and one {@code SSUBSCRIBE}-capable master owns both.
     */
    String envelopes(ChannelName channel) {
        return of(channel) + ENVELOPE_SUFFIX;
    }

    static final String ENVELOPE_SUFFIX = ":e";

    /** Whether a pub/sub channel name from {@link #envelopes} (not an app's {@link #of}). */
    static boolean isEnvelopeChannel(String redisChannel) {
        return redisChannel.endsWith(ENVELOPE_SUFFIX);
    }

    /**
     * The base of the node's own probe channels. Channel keys are {@code prefix:{…}}, so a name
     * starting {@code prefix:probe:} can never be one.
     */
    String probeBase(String nodeId) {
        return prefix + ":probe:" + nodeId;
    }
}

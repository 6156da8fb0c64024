package io.rtgw.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The channels a stream (SSE, long-poll) started with that have no position yet: the stream
 * writes its first cursor only once every one has one.
 */
final class StreamStart {
    private final Set<String> waiting;

    StreamStart(List<String> channels) {
        this.waiting = new HashSet<>(channels);
    }

    /** @return true when this was the last channel without a position */
    boolean positioned(String channel) {
        waiting.remove(channel);
        return waiting.isEmpty();
    }
}

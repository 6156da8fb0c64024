package io.rtgw.core.broker;

import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.util.List;

/**
 * @param publications in offset order, all after the requested position
 * @param head         the channel's newest position now
 * @param recovered    false when something after the requested position is gone (trimmed,
 *                     aged out, or another epoch); the publications are then empty and the
 *                     reader starts again from {@code head}
 */
public record HistoryResult(List<Publication> publications, StreamPosition head, boolean recovered) {
    public HistoryResult {
        publications = List.copyOf(publications);
    }
}

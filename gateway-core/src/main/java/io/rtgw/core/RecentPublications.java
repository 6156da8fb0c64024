package io.rtgw.core;

import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The newest publications a {@link ChannelFeed} forwarded, without a hole, so that a session
 * resuming from a recent position (a reconnect storm, every long-poll re-poll) catches up from
 * memory instead of costing the broker one history read per session: with it a storm costs the
 * broker work per channel, not per client (docs/protocol.md §5).
 *
 * <p>Invariant: when {@code base} is set, the entries are exactly the offsets after {@code base}
 * up to the feed's last position, in one epoch. Guarded by the feed's monitor.
 *
 * <p>It answers only what the broker's own history would answer the same way: no further back
 * than the channel's history size and nothing older than its history TTL (the broker would say
 * "not recovered" there, and the session must see that gap).
 */
final class RecentPublications {
    private final int capacity;
    private final HistoryPolicy policy;
    private final long maxAgeMicros;
    /** Null while empty: most channels of a node (personal ones above all) hold few publications. */
    private ArrayDeque<Publication> entries;
    /** The position just before the first entry; null while nothing contiguous is known. */
    private StreamPosition base;

    /**
     * @param capacity at most this many publications; they are shared with what was forwarded
     * @param maxAge   none kept longer than this (nor than the history TTL), so that a busy
     *                 node's memory holds seconds of traffic per channel, not the whole history
     */
    RecentPublications(int capacity, HistoryPolicy policy, Duration maxAge) {
        this.capacity = Math.max(0, Math.min(capacity, policy.size()));
        this.policy = policy;
        this.maxAgeMicros = Math.min(policy.ttl().toNanos(), maxAge.toNanos()) / 1000;
    }

    /** The feed's position moved without a publication (head read, gap, new epoch): start over there. */
    void restartAt(StreamPosition position) {
        entries = null;
        base = capacity == 0 ? null : position;
    }

    /** The feed forwarded {@code p} right after the previous one. */
    void append(Publication p) {
        if (base == null) {
            return;
        }
        StreamPosition pos = p.position();
        if (!pos.sameEpoch(base) || pos.offset() != top() + 1) {
            restartAt(pos); // cannot happen while the feed keeps its order; stay correct anyway
            return;
        }
        if (entries == null) {
            entries = new ArrayDeque<>(4);
        }
        entries.addLast(p);
        long oldest = p.publishedAtMicros() - maxAgeMicros;
        while (entries.size() > capacity || entries.peekFirst().publishedAtMicros() < oldest) {
            base = entries.pollFirst().position();
        }
    }

    /**
     * Prepends what a history read from {@code from} brought when it reaches back before
     * {@code base} and joins the entries without a hole, so that the next sessions resuming from
     * {@code from} or later need no read of their own.
     */
    void extendBack(StreamPosition from, HistoryResult result) {
        if (base == null || !result.recovered() || !from.sameEpoch(base) || from.offset() >= base.offset()) {
            return;
        }
        long missing = base.offset() - from.offset();
        if (size() + missing > capacity) {
            return;
        }
        List<Publication> read = result.publications();
        if (read.size() < missing) {
            return;
        }
        for (int i = 0; i < missing; i++) {
            StreamPosition pos = read.get(i).position();
            if (!pos.sameEpoch(base) || pos.offset() != from.offset() + 1 + i) {
                return;
            }
        }
        if (entries == null) {
            entries = new ArrayDeque<>((int) missing);
        }
        for (int i = (int) missing - 1; i >= 0; i--) {
            entries.addFirst(read.get(i));
        }
        base = from;
    }

    /**
     * What a history read from {@code from} would return now, or null when the entries cannot
     * tell (too far back, another epoch, older than the TTL): the caller then asks the broker.
     */
    HistoryResult after(StreamPosition from, long nowMicros) {
        if (base == null || from == null || !from.sameEpoch(base)
                || from.offset() < base.offset() || from.offset() > top()) {
            return null;
        }
        int skip = (int) (from.offset() - base.offset());
        List<Publication> out = new ArrayList<>(size() - skip);
        if (entries != null) {
            Iterator<Publication> it = entries.iterator();
            for (int i = 0; i < skip; i++) {
                it.next();
            }
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        if (!out.isEmpty() && out.get(0).publishedAtMicros() < nowMicros - policy.ttl().toNanos() / 1000) {
            return null; // the broker's history has aged it out: let it say so
        }
        StreamPosition head = new StreamPosition(base.epoch(), top());
        return new HistoryResult(out, head, true);
    }

    private int size() {
        return entries == null ? 0 : entries.size();
    }

    private long top() {
        return base.offset() + size();
    }
}

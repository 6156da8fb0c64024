package io.rtgw.core;

import io.rtgw.core.broker.HistoryResult;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One channel's history reads, shared by starting point while in flight: a reconnect storm of a
 * channel's subscribers, or many sessions after a blip, cost one read (docs/protocol.md §5).
 *
 * <p>A read is shared only with callers whose {@link #ticket} is not newer than its start: one
 * that started earlier may predate publications the caller has not seen (those forwarded before
 * it registered), and joining it would leave a hole.
 */
final class SharedHistoryReads {
    private static final Object HEAD_ONLY = new Object();

    private final ChannelName channel;
    private final Hub hub;
    /** Null until the first read: most channels are read once, when first subscribed. */
    private Map<Object, PendingRead> inFlight;
    private long clock;

    SharedHistoryReads(ChannelName channel, Hub hub) {
        this.channel = channel;
        this.hub = hub;
    }

    /** Orders a caller's moment against the start of reads. */
    synchronized long ticket() {
        return ++clock;
    }

    /** History after {@code since} (null: only the head), one page. */
    CompletableFuture<HistoryResult> read(StreamPosition since, long ticket) {
        return start(since, ticket).result;
    }

    /** {@link #read}, with the moment the read (perhaps another caller's) started. */
    PendingRead start(StreamPosition since, long ticket) {
        Object key = since == null ? HEAD_ONLY : since;
        PendingRead shared;
        synchronized (this) {
            if (inFlight == null) {
                inFlight = new HashMap<>(4);
            }
            shared = inFlight.get(key);
            if (shared != null && shared.startedAt >= ticket) {
                return shared;
            }
            shared = new PendingRead(clock, new CompletableFuture<>());
            inFlight.put(key, shared);
        }
        PendingRead started = shared;
        hub.observer().historyRead();
        // never under the monitor: the embedded broker answers on this thread
        hub.broker().history(channel, since, hub.historyPageSize()).whenComplete((result, error) -> {
            synchronized (this) {
                inFlight.remove(key, started);
            }
            if (error != null) {
                started.result.completeExceptionally(error);
            } else {
                started.result.complete(result);
            }
        });
        return started;
    }

    /** A read, issued after every {@link #ticket} up to {@code startedAt} was handed out. */
    record PendingRead(long startedAt, CompletableFuture<HistoryResult> result) {
    }
}

package io.rtgw.core;

import io.rtgw.core.broker.HistoryResult;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One channel on this node: its local subscribers (grouped by event loop), its broker
 * subscription, and the live position every subscriber follows (docs/protocol.md §5).
 *
 * <p>The feed forwards positioned publications to its subscribers strictly in order and without
 * holes: a publication that skips offsets, a change of epoch, a broker that comes back, a queue
 * that overflowed upstream or a quiet channel whose head moved (the position check) all lead to
 * <em>one</em> history read for the channel, however many sessions hold it; what history cannot
 * supply any more is announced to every subscriber as one gap. Sessions therefore never read
 * history for the live stream, only for their own first catch-up, and those reads are shared too:
 * one read per starting point while it is in flight ({@link #read}).
 *
 * <p>State is guarded by the feed's monitor. The broker is never called for history while it is
 * held, because the embedded broker calls back into the feed under its own channel lock; broker
 * subscribe and unsubscribe are called under it, which keeps them in order per channel.
 */
public final class ChannelFeed {
    /** Publications held while a fill reads history; past this the fill simply reads again. */
    static final int HOLD_LIMIT = 10_000;
    private static final long RETRY_MILLIS = 1000;

    final ChannelName channel;
    private final Hub hub;
    private final SharedHistoryReads reads;
    /** What was forwarded lately, for sessions resuming close behind; null where the hub keeps none. */
    private final RecentPublications recent;
    /** A handful of entries at most (one per event loop); read on every publication. */
    final List<LoopSubscribers> loops = new CopyOnWriteArrayList<>();

    // ---- registry state, guarded by this
    int count;
    ScheduledFuture<?> lingering;
    /** Out of the hub's map: an adder that finds it must look the channel up again. */
    boolean removed;
    private CompletableFuture<StreamPosition> brokerSubscription;

    // ---- position state, guarded by this (last is also read without it)
    /** The last position forwarded, or the base after a gap; null until the first is known. */
    private volatile StreamPosition last;
    private boolean filling;
    private ArrayDeque<Publication> held;
    private boolean heldOverflowed;
    /** The head the fill that is being drained read: history claimed everything up to it. */
    private StreamPosition fillHead;
    /** A resync was asked for while a fill was in flight, which may have read too early: read again after it. */
    private boolean resyncWanted;
    /**
     * The ticket taken when the current broker subscription became active (none yet: MAX_VALUE).
     * A read that started at or after it and a live publication after it, together, leave out nothing.
     */
    private long activeSince = Long.MAX_VALUE;
    /**
     * Nothing published before the broker subscription became active is missing from what the
     * feed forwards: between the head read and the subscription (and after a resubscribe) a
     * publication can go by unseen, and only a later one, a fill or a read shows it. Until then
     * the recent publications cannot answer for the channel: a session's catch-up reads the broker.
     */
    private boolean confirmed;
    volatile long lastTrafficNanos = System.nanoTime();
    long nextCheckNanos;

    ChannelFeed(ChannelName channel, Hub hub) {
        this.channel = channel;
        this.hub = hub;
        this.reads = new SharedHistoryReads(channel, hub);
        this.recent = hub.recentPublications(channel);
    }

    public ChannelName channel() {
        return channel;
    }

    /**
     * The newest position of the channel this node knows of; a session that has caught up to
     * less than this has missed something the feed will not forward again.
     */
    public StreamPosition position() {
        return last;
    }

    /**
     * Completes once the broker delivers the channel live, with the channel's head as it was just
     * before the subscription (read first, so that a publication made after a subscribe command is
     * after this head; what is published while the subscription is being set up is found as a
     * skipped offset and filled). Subscribes again after a failure.
     */
    public CompletableFuture<StreamPosition> brokerSubscription() {
        CompletableFuture<StreamPosition> current;
        boolean start = false;
        synchronized (this) {
            current = brokerSubscription;
            if (current == null || current.isCompletedExceptionally()) {
                current = brokerSubscription = new CompletableFuture<>();
                start = true;
            }
        }
        if (start) {
            CompletableFuture<StreamPosition> target = current;
            read(null, ticket()).thenCompose(this::subscribeAfterHead).whenComplete((head, error) -> {
                if (error != null) {
                    target.completeExceptionally(error);
                } else {
                    target.complete(head);
                }
            });
        }
        return current;
    }

    private CompletableFuture<StreamPosition> subscribeAfterHead(HistoryResult headOnly) {
        StreamPosition head = headOnly.head();
        CompletableFuture<Void> subscribed;
        synchronized (this) {
            if (removed) {
                return CompletableFuture.completedFuture(head); // nobody is left to deliver to
            }
            if (last == null) {
                moveTo(head);
            }
            confirmed = false;
            activeSince = Long.MAX_VALUE;
            // under the monitor, so that it stays ordered with the unsubscribe of an idle feed
            subscribed = hub.broker().subscribe(channel);
        }
        return subscribed.thenApply(ok -> {
            long now = ticket();
            synchronized (this) {
                activeSince = now;
            }
            return head;
        });
    }

    /** Orders a caller's moment against the start of history reads (see {@link SharedHistoryReads}). */
    long ticket() {
        return reads.ticket();
    }

    /** Called under this feed's monitor by the hub when the last linger ends. */
    void unsubscribeAtBroker() {
        removed = true;
        brokerSubscription = null;
        held = null;
        hub.broker().unsubscribe(channel).whenComplete((ok, error) -> hub.unsubscribeFailed(channel, error));
    }

    LoopSubscribers loop(Executor executor) {
        for (LoopSubscribers l : loops) {
            if (l.executor == executor) {
                return l;
            }
        }
        synchronized (loops) {
            for (LoopSubscribers l : loops) {
                if (l.executor == executor) {
                    return l;
                }
            }
            LoopSubscribers created = new LoopSubscribers(channel, executor);
            loops.add(created);
            return created;
        }
    }

    /** History after {@code since} (null: only the head), one page; see {@link SharedHistoryReads}. */
    public CompletableFuture<HistoryResult> read(StreamPosition since, long ticket) {
        return reads.read(since, ticket);
    }

    // ---------------------------------------------------------------- live publications

    /** A publication from the broker; for one channel these arrive one at a time, in order. */
    void accept(Publication p) {
        StreamPosition fillFrom;
        synchronized (this) {
            if (removed) {
                return;
            }
            if (p.position() == null) {
                forward(p); // live-only: not part of the sequence
                return;
            }
            lastTrafficNanos = System.nanoTime();
            if (filling) {
                hold(p);
                return;
            }
            fillFrom = admit(p);
            if (fillFrom == null) {
                return;
            }
            hold(p);
            filling = true;
        }
        fill(fillFrom);
    }

    /**
     * Forwards {@code p} when it follows {@code last}; drops what was already forwarded; otherwise
     * says where a history fill must start (the caller holds {@code p} until it is done).
     */
    private StreamPosition admit(Publication p) {
        StreamPosition pos = p.position();
        if (last == null) {
            moveTo(pos);
            forward(p);
            return null;
        }
        if (!pos.sameEpoch(last)) {
            return StreamPosition.start(pos.epoch());
        }
        if (pos.offset() <= last.offset()) {
            return null;
        }
        if (pos.offset() > last.offset() + 1) {
            if (fillHead == null || !fillHead.sameEpoch(pos) || fillHead.offset() < pos.offset()) {
                return last;
            }
            // History claimed to cover this offset and still skipped it: announce, never loop.
            forwardGap(new StreamPosition(pos.epoch(), pos.offset() - 1));
            moveTo(pos);
            forward(p);
            return null;
        }
        advance(p);
        return null;
    }

    private void hold(Publication p) {
        if (held == null) {
            held = new ArrayDeque<>(8);
        }
        if (held.size() >= HOLD_LIMIT) {
            held.clear();
            heldOverflowed = true; // the fill reads them from history instead
        }
        held.addLast(p);
    }

    // ---------------------------------------------------------------- filling from history

    /** The broker came back, or lost publications upstream: fill from the last position. */
    void resync() {
        StreamPosition from;
        synchronized (this) {
            if (filling) {
                resyncWanted = true; // the fill in flight may have started before what was lost
                return;
            }
            if (removed || last == null) {
                return;
            }
            filling = true;
            from = last;
        }
        fill(from);
    }

    /** Asks the broker for the head of this quiet channel; a head beyond the last position is filled. */
    void checkPosition() {
        synchronized (this) {
            if (removed || filling || count == 0 || last == null) {
                return;
            }
        }
        hub.observer().positionCheck();
        long askedAt = ticket();
        hub.broker().history(channel, null, 0).whenComplete((result, error) -> {
            if (error == null) {
                headSeen(result.head(), askedAt);
            }
        });
    }

    private void headSeen(StreamPosition head, long askedAt) {
        StreamPosition from;
        synchronized (this) {
            if (removed || filling) {
                return;
            }
            if (last == null) {
                return;
            }
            if (head.sameEpoch(last) && head.offset() <= last.offset()) {
                confirmIfAfterSubscribing(askedAt);
                return;
            }
            filling = true;
            from = head.sameEpoch(last) ? last : StreamPosition.start(head.epoch());
        }
        fill(from);
    }

    private void fill(StreamPosition from) {
        long askedAt = ticket(); // shares only a read that starts after this
        read(from, askedAt).whenComplete((result, error) -> filled(from, askedAt, result, error));
    }

    private void filled(StreamPosition from, long askedAt, HistoryResult result, Throwable error) {
        StreamPosition next;
        synchronized (this) {
            if (removed) {
                filling = false;
                return;
            }
            if (error != null) {
                retryLater(from);
                return;
            }
            next = apply(from, result);
            if (next == null) {
                fillHead = result.head();
                next = drainHeld();
                fillHead = null;
            }
            if (next == null && resyncWanted) {
                next = last;
            }
            resyncWanted = false;
            filling = next != null;
            if (!filling) {
                confirmIfAfterSubscribing(askedAt);
            }
        }
        if (next != null) {
            fill(next);
        }
    }

    /** Forwards what the read brought; returns where to read next, or null when caught up. */
    private StreamPosition apply(StreamPosition from, HistoryResult result) {
        StreamPosition head = result.head();
        if (!from.sameEpoch(last)) {
            // A publication claimed a new epoch.
            if (head.sameEpoch(last)) {
                dropHeldOutside(head); // the channel did not change epoch: nonsense, not a reset
                return head.offset() > last.offset() ? last : null;
            }
            if (!result.recovered()) {
                return jumpTo(head);
            }
            forwardGap(from);
            moveTo(from);
        } else if (!result.recovered()) {
            return jumpTo(head);
        }
        for (Publication p : result.publications()) {
            StreamPosition pos = p.position();
            if (pos.sameEpoch(last) && pos.offset() > last.offset()) {
                if (pos.offset() == last.offset() + 1) {
                    advance(p);
                } else {
                    moveTo(pos); // history skipped offsets: not contiguous, so not kept
                    forward(p);
                }
            }
        }
        boolean morePages = result.publications().size() >= hub.historyPageSize()
                && last.sameEpoch(head) && last.offset() < head.offset();
        if (morePages || heldOverflowed) {
            heldOverflowed = false;
            return last;
        }
        return null;
    }

    /** History does not reach back far enough: every subscriber is told, and continues from the head. */
    private StreamPosition jumpTo(StreamPosition head) {
        forwardGap(head);
        moveTo(head);
        dropHeldOutside(head);
        heldOverflowed = false;
        return null;
    }

    private StreamPosition drainHeld() {
        for (Publication p; held != null && (p = held.pollFirst()) != null; ) {
            StreamPosition from = admit(p);
            if (from != null) {
                held.addFirst(p);
                return from;
            }
        }
        held = null;
        return null;
    }

    private void dropHeldOutside(StreamPosition head) {
        if (held != null) {
            held.removeIf(p -> !p.position().sameEpoch(head));
        }
    }

    private void retryLater(StreamPosition from) {
        try {
            hub.timer().schedule(() -> fill(from), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            filling = false;
        }
    }

    /**
     * {@code p} follows {@code last}: forwarded, and kept for sessions resuming shortly behind.
     * Live, it also shows that nothing went by unseen before the subscription was active.
     */
    private void advance(Publication p) {
        if (!filling && activeSince != Long.MAX_VALUE) {
            confirmed = true;
        }
        last = p.position();
        if (recent != null) {
            recent.append(p);
        }
        forward(p);
    }

    /** The position jumps (head, gap, new epoch): what was kept no longer leads up to it. */
    private void moveTo(StreamPosition position) {
        last = position;
        if (recent != null) {
            recent.restartAt(position);
        }
    }

    // ---------------------------------------------------------------- sessions catching up

    /**
     * A session's first catch-up from {@code from}, answered from what this feed forwarded lately
     * when that reaches back far enough; null when the broker must be asked. Everything forwarded
     * after this answer reaches the caller, registered before, through the feed: no hole.
     */
    synchronized HistoryResult recentAfter(StreamPosition from) {
        // while the broker is down a subscribe waits, unanswered, as it does for a read (docs/protocol.md §4)
        if (recent == null || removed || last == null || !confirmed || !hub.brokerUp()) {
            return null;
        }
        return recent.after(from, System.currentTimeMillis() * 1000L);
    }

    /**
     * A session's first catch-up from the broker: what it reads is kept when it joins the recent
     * publications, and it may show the feed behind the broker (a publication that went by unseen
     * while subscribing), which is then filled for every session.
     */
    CompletableFuture<HistoryResult> readFirst(StreamPosition from, long ticket) {
        SharedHistoryReads.PendingRead read = reads.start(from, ticket);
        return read.result().thenApply(result -> {
            learned(from, result, read.startedAt());
            return result;
        });
    }

    private void learned(StreamPosition from, HistoryResult result, long startedAt) {
        StreamPosition fillFrom = null;
        synchronized (this) {
            if (removed || last == null) {
                return;
            }
            if (recent != null && from != null) {
                recent.extendBack(from, result);
            }
            StreamPosition head = result.head();
            if (confirmed || filling || startedAt < activeSince || !head.sameEpoch(last)) {
                return;
            }
            if (head.offset() <= last.offset()) {
                confirmed = true;
                return;
            }
            filling = true; // behind the broker: perhaps still on its way, perhaps gone by unseen
            fillFrom = last;
        }
        fill(fillFrom);
    }

    /** A read or check that started after the subscription was active found nothing missing. */
    private void confirmIfAfterSubscribing(long askedAt) {
        if (askedAt >= activeSince) {
            confirmed = true;
        }
    }

    private void forward(Publication p) {
        for (LoopSubscribers l : loops) {
            l.dispatch(p);
        }
    }

    private void forwardGap(StreamPosition resumeAfter) {
        for (LoopSubscribers l : loops) {
            l.dispatchGap(resumeAfter);
        }
    }
}

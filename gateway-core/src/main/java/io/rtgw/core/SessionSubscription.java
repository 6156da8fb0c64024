package io.rtgw.core;

import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.broker.HistoryResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One channel of a {@link ClientSession}: where this connection is in the channel, and its
 * first catch-up from {@code since}. Everything runs on the session's executor.
 *
 * <pre>
 *            broker subscription active            caught up to the feed
 *  WAITING ─────────────────────────▶ CATCHING_UP ─────────────────────────▶ LIVE
 *     ▲      read failed (broker down):    │    ▲   a hole in what arrives        │
 *     └──────── retry with backoff ────────┘    └─── (a read shared too early) ───┘
 *  any state ── unsubscribe, session closed ──▶ LEFT
 * </pre>
 *
 * <ul>
 *   <li><b>WAITING</b>: registered at the channel's {@link ChannelFeed}; what it forwards is held.
 *       A subscribe made while the broker is unreachable waits here, silently, and completes when
 *       the broker is back (docs/protocol.md §4).</li>
 *   <li><b>CATCHING_UP</b>: one history read in flight, shared with every session of the node
 *       reading from the same position; forwarded messages are held (bounded: past
 *       {@code maxPendingPerChannel} the connection is a slow consumer). The first read answers
 *       {@code subscribed}; its position is {@code since} when recovered, else the head.</li>
 *   <li><b>LIVE</b>: what the feed forwards goes to the connection. The feed repairs lost
 *       publications for every session at once and forwards without holes; reads this session
 *       shares start after it registered, so they reach everything forwarded before. A hole
 *       would mean a read ended short: it is read again rather than skipped.</li>
 * </ul>
 */
final class SessionSubscription implements SessionHandle {
    enum State { WAITING, CATCHING_UP, LIVE, LEFT }

    private static final long FIRST_RETRY_MILLIS = 250;
    private static final long MAX_RETRY_MILLIS = 5000;

    final ChannelName channel;
    private final ClientSession session;
    private final ChannelFeed feed;
    private final int maxHeld;
    private State state = State.WAITING;
    /** Until {@code subscribed} is sent: the client's ref and what it asked to resume after. */
    private String ref;
    private boolean resumeAsked;
    private StreamPosition resumeFrom;
    /**
     * Where a subscription without {@code since} starts: the channel's position when the subscribe
     * was made (the feed's, or the head read before the broker subscription), so that a publish
     * the client sends right after its subscribe is delivered to it too.
     */
    private StreamPosition startAt;
    /** The last position delivered (or the start position); null until {@code subscribed}. */
    private StreamPosition last;
    /** Publications and gap marks forwarded while not live; null while empty (most of the time). */
    private ArrayDeque<Object> held;
    /** Reads this session may share started after this ticket (see {@link ChannelFeed#read}). */
    private long readAfter;
    private ScheduledFuture<?> retry;
    private int failures;
    /** This connection's entry in the channel's presence (docs/protocol.md §9) once joined; null otherwise. */
    io.rtgw.core.presence.PresenceEntry presence;
    /** Counted in the channel's occupancy for connection events (docs/protocol.md §10) until it ends. */
    boolean occupying;
    /** Replies that must follow {@code subscribed} (commands take effect in order, §4.2). */
    private List<Runnable> afterSubscribed;

    SessionSubscription(ClientSession session, ChannelName channel, String since, String ref, int maxHeld) {
        this.session = session;
        this.channel = channel;
        this.ref = ref;
        this.resumeAsked = since != null;
        this.resumeFrom = StreamPosition.parse(since);
        this.maxHeld = maxHeld;
        this.feed = session.hub().add(channel, this);
        this.readAfter = feed.ticket();
        this.startAt = feed.position();
        awaitBroker();
    }

    String name() {
        return channel.name();
    }

    State state() {
        return state;
    }

    /**
     * Runs {@code reply} once {@code subscribed} has been sent, at once if it has: every subscribe
     * is answered before what the client sent after it (an unsubscribe, a publish's ack).
     */
    /** Whether {@code subscribed} has gone out (the subscription has its position). */
    boolean answered() {
        return last != null;
    }

    void whenSubscribed(Runnable reply) {
        if (last != null) {
            reply.run();
            return;
        }
        if (afterSubscribed == null) {
            afterSubscribed = new ArrayList<>(2);
        }
        afterSubscribed.add(reply);
    }

    void leave() {
        if (state == State.LEFT) {
            return;
        }
        state = State.LEFT;
        held = null;
        if (retry != null) {
            retry.cancel(false);
        }
        session.hub().remove(feed, this);
    }

    @Override
    public Executor executor() {
        return session.executor();
    }

    // ---------------------------------------------------------------- from the feed

    @Override
    public void deliver(Publication p) {
        if (state == State.LIVE) {
            live(p);
        } else if (state != State.LEFT) {
            hold(p);
        }
    }

    @Override
    public void gap(StreamPosition resumeAfter) {
        if (state == State.LIVE) {
            gapTo(resumeAfter);
        } else if (state != State.LEFT) {
            hold(new GapMark(resumeAfter));
        }
    }

    private void live(Publication p) {
        StreamPosition pos = p.position();
        if (pos == null) {
            session.send(p);
            return;
        }
        if (pos.sameEpoch(last) && pos.offset() <= last.offset()) {
            return; // already delivered by the catch-up
        }
        if (!pos.sameEpoch(last) || pos.offset() > last.offset() + 1) {
            // The feed forwards without holes, so this is a read of ours that ended short.
            holdFirst(p);
            readAfter = feed.ticket();
            catchUp();
            return;
        }
        last = pos;
        session.send(p);
    }

    private void gapTo(StreamPosition resumeAfter) {
        if (resumeAfter.sameEpoch(last) && resumeAfter.offset() <= last.offset()) {
            return; // this session's own read already went past it
        }
        session.sendGap(channel);
        last = resumeAfter;
    }

    private void hold(Object item) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        if (held.size() >= maxHeld) {
            session.slowConsumer();
            return;
        }
        held.addLast(item);
    }

    private void holdFirst(Object item) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.addFirst(item);
    }

    // ---------------------------------------------------------------- catching up

    private void awaitBroker() {
        state = State.WAITING;
        feed.brokerSubscription().whenComplete((head, error) -> executor().execute(() -> {
            if (state != State.WAITING) {
                return;
            }
            if (error != null) {
                retryLater();
            } else {
                if (startAt == null) {
                    startAt = head;
                }
                catchUp();
            }
        }));
    }

    private void catchUp() {
        state = State.CATCHING_UP;
        boolean first = last == null;
        StreamPosition from = !first ? last : resumeAsked ? resumeFrom : startAt;
        // A first catch-up that the feed's recent publications cover costs the broker nothing:
        // what a reconnect storm or a long-poll re-poll mostly is (later ones repair a hole: the
        // broker's word then).
        HistoryResult recent = first ? feed.recentAfter(from) : null;
        if (recent != null) {
            session.hub().observer().resumedFromMemory();
            apply(recent);
            return;
        }
        (first ? feed.readFirst(from, readAfter) : feed.read(from, readAfter)).whenComplete((result, error) ->
                executor().execute(() -> {
                    if (state != State.CATCHING_UP) {
                        return;
                    }
                    if (error != null) {
                        retryLater();
                    } else {
                        failures = 0;
                        apply(result);
                    }
                }));
    }

    /** The broker is unreachable: wait, and try again (the subscription stays; nothing is sent). */
    private void retryLater() {
        state = State.WAITING;
        long base = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures++, 5));
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        retry = session.connection().executor().schedule(this::awaitBroker, delay, TimeUnit.MILLISECONDS);
    }

    private void apply(HistoryResult result) {
        if (last == null) {
            boolean recovered = resumeAsked && resumeFrom != null && result.recovered();
            boolean fromStart = !resumeAsked && startAt != null && result.recovered();
            last = recovered ? resumeFrom : fromStart ? startAt : result.head();
            session.subscribed(this, new Subscribed(name(), last, recovered, ref));
            ref = null;
            resumeFrom = null;
            if (resumeAsked && !recovered) {
                session.sendGap(channel);
            }
            resumeAsked = false;
            runAfterSubscribed();
            if (state == State.LEFT) {
                return;
            }
            if (!recovered && !fromStart) {
                caughtUp();
                return;
            }
        } else if (!result.recovered()) {
            session.sendGap(channel);
            last = result.head();
            caughtUp();
            return;
        }
        int replayed = 0;
        for (Publication p : result.publications()) {
            StreamPosition pos = p.position();
            if (pos.sameEpoch(last) && pos.offset() > last.offset()) {
                session.send(p);
                last = pos;
                replayed++;
            }
        }
        session.replayed(replayed);
        boolean morePages = result.publications().size() >= session.hub().historyPageSize()
                && last.sameEpoch(result.head()) && last.offset() < result.head().offset();
        if (morePages) {
            catchUp();
        } else {
            caughtUp();
        }
    }

    /** Delivers what was held; from then on the feed's order is this subscription's. */
    private void caughtUp() {
        state = State.LIVE;
        Object item;
        while (state == State.LIVE && held != null && (item = held.pollFirst()) != null) {
            if (item instanceof GapMark mark) {
                gapTo(mark.resumeAfter);
            } else {
                live((Publication) item);
            }
        }
        if (state == State.LIVE) {
            held = null;
        }
    }

    private void runAfterSubscribed() {
        if (afterSubscribed != null) {
            List<Runnable> replies = afterSubscribed;
            afterSubscribed = null;
            replies.forEach(Runnable::run);
        }
    }

    private record GapMark(StreamPosition resumeAfter) {
    }
}

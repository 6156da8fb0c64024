package io.rtgw.core.broker;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-dependency broker of a single node. History lives in memory, bounded per channel by
 * its {@link HistoryPolicy} and in total by {@link EmbeddedLimits}; a new process starts a new
 * epoch, so clients resuming from ids of a previous run get a gap notice.
 *
 * <p>A sweeper expires history on time (not on the channel's next publish) and drops channels
 * that nobody subscribes to and that hold no history and no idempotency key once they have been
 * idle for {@link EmbeddedLimits#idleChannel()}, so memory returns after a burst of publishes to
 * many channels. A dropped channel that is used again starts in a new epoch (the node's epoch
 * followed by an era number), so an id of its earlier life resumes with a gap, never with a
 * replay of unrelated messages (docs/protocol.md §5). Channels first created before any drop keep
 * the node's epoch, which keeps stream cursors short.
 */
public final class InMemoryBroker implements Broker {
    /** How many idempotency keys one channel remembers at most; the oldest are forgotten first. */
    static final int MAX_IDEMPOTENCY_KEYS = 10_000;
    /** Estimated heap cost of one history entry besides its strings (entry, publication, position, deque slot). */
    static final int ENTRY_OVERHEAD_BYTES = 128;
    /** Estimated heap cost of one remembered idempotency key besides its text. */
    static final int KEY_OVERHEAD_BYTES = 96;
    static final long SWEEP_INTERVAL_MILLIS = 200;
    /** Checks per sweep: bounds one tick's work; a larger backlog carries over to the next ticks. */
    static final int SWEEP_BUDGET = 50_000;
    private static final Logger log = LoggerFactory.getLogger(InMemoryBroker.class);

    private final HistoryPolicies policies;
    private final Duration idempotencyWindow;
    private final Clock clock;
    private final EmbeddedLimits limits;
    private final String epoch;
    private final Map<ChannelName, ChannelLog> channels = new ConcurrentHashMap<>();
    private final AtomicInteger channelCount = new AtomicInteger();
    private final AtomicLong retainedBytes = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    /** Bumped when a channel of the current era is dropped, so that its next life has another epoch. */
    private final AtomicLong era = new AtomicLong();
    private final DueChecks<ChannelLog> dueChecks = new DueChecks<>(SWEEP_INTERVAL_MILLIS);
    private volatile BrokerListener listener;
    private volatile ScheduledExecutorService sweeper;

    public InMemoryBroker(HistoryPolicies policies) {
        this(policies, DEFAULT_IDEMPOTENCY_WINDOW, Clock.systemUTC());
    }

    public InMemoryBroker(HistoryPolicies policies, Duration idempotencyWindow, Clock clock) {
        this(policies, idempotencyWindow, clock, EmbeddedLimits.DEFAULT);
    }

    public InMemoryBroker(HistoryPolicies policies, Duration idempotencyWindow, Clock clock, EmbeddedLimits limits) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.idempotencyWindow = Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        // 8 characters exactly, leaving 8 of the 16 an epoch may have for the era suffix
        this.epoch = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36 * 36,
                36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36);
    }

    /** The epoch of channels created before any channel was dropped. */
    public String epoch() {
        return epoch;
    }

    /** Channels held right now (gauge {@code rtgw_broker_channels}). */
    public int channelCount() {
        return channelCount.get();
    }

    /** Estimated bytes of history and idempotency keys held right now (gauge {@code rtgw_broker_retained_bytes}). */
    public long retainedBytes() {
        return retainedBytes.get();
    }

    /** Publishes refused by {@link EmbeddedLimits} since start (counter {@code rtgw_broker_refusals_total}). */
    public long refusals() {
        return refusals.get();
    }

    @Override
    public CompletableFuture<Void> start(BrokerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtgw-broker-sweeper");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(this::sweepSafely, SWEEP_INTERVAL_MILLIS, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        sweeper = s;
        listener.onBrokerUp();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> subscribe(ChannelName channel) {
        // The channel exists while subscribed: its head cannot move to another epoch under a subscriber.
        while (true) {
            ChannelLog l = channels.computeIfAbsent(channel, this::newLog);
            synchronized (l) {
                if (!l.dropped) {
                    l.subscribed = true;
                    return CompletableFuture.completedFuture(null);
                }
            }
        }
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ChannelName channel) {
        ChannelLog l = channels.get(channel);
        if (l != null) {
            synchronized (l) {
                l.subscribed = false;
                l.lastActivityMillis = clock.millis();
                scheduleCheck(l);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<StreamPosition> publish(PublishRequest request) {
        ChannelName channel = request.channel();
        HistoryPolicy policy = policies.forChannel(channel);
        long entryBytes = policy.size() == 0 ? 0 : ENTRY_OVERHEAD_BYTES + request.data().length() + request.event().length();
        long keyBytes = request.idempotencyKey() == null ? 0 : KEY_OVERHEAD_BYTES + request.idempotencyKey().length();
        while (true) {
            ChannelLog l = channels.get(channel);
            if (l == null) {
                if (channelCount.get() >= limits.maxChannels()) {
                    return refuse("the broker holds its maximum of " + limits.maxChannels() + " channels");
                }
                if (retainedBytes.get() + entryBytes + keyBytes > limits.maxRetainedBytes()) {
                    return refuse(bytesMessage());
                }
                l = channels.computeIfAbsent(channel, this::newLog);
            }
            long nowMillis = clock.millis();
            synchronized (l) {
                if (l.dropped) {
                    continue;
                }
                l.lastActivityMillis = Math.max(l.lastActivityMillis, nowMillis);
                try {
                    if (request.idempotencyKey() != null) {
                        StreamPosition earlier = l.rememberedId(request.idempotencyKey(), nowMillis);
                        if (earlier != null) {
                            return CompletableFuture.completedFuture(earlier);
                        }
                    }
                    if (retainedBytes.get() + entryBytes + keyBytes > limits.maxRetainedBytes()) {
                        return refuse(bytesMessage());
                    }
                    StreamPosition position = new StreamPosition(l.epoch, ++l.lastOffset);
                    Publication publication = new Publication(channel, position, request.event(),
                            request.data(), nowMillis * 1000L);
                    l.append(publication, entryBytes, nowMillis);
                    if (request.idempotencyKey() != null) {
                        l.remember(request.idempotencyKey(), position, nowMillis + idempotencyWindow.toMillis(), keyBytes);
                    }
                    BrokerListener bl = listener;
                    // Inside the lock: the listener sees one channel's publications in offset order.
                    if (bl != null && l.subscribed) {
                        bl.onPublication(publication);
                    }
                    return CompletableFuture.completedFuture(position);
                } finally {
                    // also after a refusal: a channel created for nothing must still go away
                    scheduleCheck(l);
                }
            }
        }
    }

    @Override
    public CompletableFuture<Void> publishLive(ChannelName channel, String event, String data) {
        ChannelLog l = channels.get(channel);
        if (l != null) {
            synchronized (l) {
                BrokerListener bl = listener;
                // in the channel's lock, as publish: between two positioned publications, never inside one
                if (bl != null && l.subscribed && !l.dropped) {
                    bl.onPublication(new Publication(channel, null, event, data, clock.millis() * 1000L));
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
        while (true) {
            ChannelLog l = channels.get(channel);
            if (l == null) {
                // Not held: the position such a channel would start from. An id of a dropped life
                // carries an older era's epoch (or an offset past 0), so it is a gap here.
                StreamPosition head = StreamPosition.start(epochOf(era.get()));
                boolean recovered = since == null || since.equals(head);
                return CompletableFuture.completedFuture(new HistoryResult(List.of(), head, recovered));
            }
            synchronized (l) {
                if (l.dropped) {
                    continue;
                }
                l.trimByAge(clock.millis());
                return CompletableFuture.completedFuture(l.after(since, limit));
            }
        }
    }

    @Override
    public boolean isUp() {
        return true;
    }

    @Override
    public void close() {
        listener = null;
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
    }

    /** One bounded batch of due checks; package-private so tests can sweep without waiting for the timer. */
    int sweep() {
        long nowMillis = clock.millis();
        List<DueChecks.Due<ChannelLog>> due = dueChecks.takeDue(nowMillis, SWEEP_BUDGET);
        for (DueChecks.Due<ChannelLog> d : due) {
            check(d.item(), d.dueMillis(), nowMillis);
        }
        return due.size();
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // a failed tick must not end the schedule: the next one retries what is still due
            log.error("broker sweep failed", e);
        }
    }

    private void check(ChannelLog l, long dueMillis, long nowMillis) {
        synchronized (l) {
            if (l.dropped || l.dueMillis != dueMillis) {
                return; // superseded by an earlier check of the same channel
            }
            l.dueMillis = 0;
            l.trimByAge(nowMillis);
            l.expireKeys(nowMillis);
            if (!l.subscribed && l.isEmpty() && nowMillis >= l.lastActivityMillis + limits.idleChannel().toMillis()) {
                drop(l);
            } else {
                scheduleCheck(l);
            }
        }
    }

    /** Under the channel's lock. */
    private void drop(ChannelLog l) {
        // The era moves on before the channel leaves the map, so its next life cannot reuse its epoch.
        // A life without a single publish has no id to confuse: its next life may share its epoch,
        // so a client of a channel that stayed quiet resumes without a gap.
        if (l.lastOffset > 0) {
            era.accumulateAndGet(l.era + 1, Math::max);
        }
        l.dropped = true;
        channels.remove(l.name, l);
        channelCount.decrementAndGet();
        retainedBytes.addAndGet(-l.bytes);
        l.bytes = 0;
    }

    /** Under the channel's lock: makes sure a check is due when something of it expires or it could be dropped. */
    private void scheduleCheck(ChannelLog l) {
        if (l.dropped) {
            return;
        }
        long due = l.nextCheckMillis(limits.idleChannel().toMillis());
        if (due != Long.MAX_VALUE && (l.dueMillis == 0 || due < l.dueMillis)) {
            l.dueMillis = due;
            dueChecks.add(l, due);
        }
    }

    private ChannelLog newLog(ChannelName name) {
        channelCount.incrementAndGet();
        long e = era.get();
        return new ChannelLog(name, policies.forChannel(name), e, epochOf(e), clock.millis());
    }

    private String epochOf(long era) {
        return era == 0 ? epoch : epoch + Long.toString(era, 36);
    }

    private String bytesMessage() {
        return "the broker holds its maximum of " + limits.maxRetainedBytes() + " bytes of history";
    }

    private <T> CompletableFuture<T> refuse(String message) {
        refusals.incrementAndGet();
        return CompletableFuture.failedFuture(new BrokerLimitException(message));
    }

    /** One channel's position, bounded history and idempotency keys; guarded by its own monitor. */
    private final class ChannelLog {
        final ChannelName name;
        final HistoryPolicy policy;
        final long era;
        final String epoch;
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private LinkedHashMap<String, RememberedId> idempotency;
        long lastOffset;
        long bytes;
        long lastActivityMillis;
        /** When a check of this channel is queued for (0: none). */
        long dueMillis;
        boolean subscribed;
        boolean dropped;

        ChannelLog(ChannelName name, HistoryPolicy policy, long era, String epoch, long nowMillis) {
            this.name = name;
            this.policy = policy;
            this.era = era;
            this.epoch = epoch;
            this.lastActivityMillis = nowMillis;
        }

        void append(Publication publication, long entryBytes, long nowMillis) {
            if (policy.size() == 0) {
                return;
            }
            entries.addLast(new Entry(publication, nowMillis, entryBytes));
            account(entryBytes);
            while (entries.size() > policy.size()) {
                account(-entries.removeFirst().bytes);
            }
            trimByAge(nowMillis);
        }

        void trimByAge(long nowMillis) {
            long oldestKept = nowMillis - policy.ttl().toMillis();
            while (!entries.isEmpty() && entries.peekFirst().addedAtMillis < oldestKept) {
                account(-entries.removeFirst().bytes);
            }
        }

        void expireKeys(long nowMillis) {
            if (idempotency == null) {
                return;
            }
            // one window for all keys: insertion order is expiry order
            for (Iterator<RememberedId> it = idempotency.values().iterator(); it.hasNext(); ) {
                RememberedId r = it.next();
                if (r.expiresAtMillis >= nowMillis) {
                    break;
                }
                it.remove();
                account(-r.bytes);
            }
            if (idempotency.isEmpty()) {
                idempotency = null;
            }
        }

        boolean isEmpty() {
            return entries.isEmpty() && idempotency == null;
        }

        /** The earliest time something of this channel expires or it may be dropped; MAX_VALUE: nothing to check. */
        long nextCheckMillis(long idleMillis) {
            long due = Long.MAX_VALUE;
            if (!entries.isEmpty()) {
                due = entries.peekFirst().addedAtMillis + policy.ttl().toMillis() + 1;
            }
            if (idempotency != null) {
                due = Math.min(due, idempotency.values().iterator().next().expiresAtMillis + 1);
            }
            if (due == Long.MAX_VALUE && !subscribed) {
                due = lastActivityMillis + idleMillis; // nothing left to expire: only the drop remains
            }
            return due;
        }

        private void account(long delta) {
            bytes += delta;
            retainedBytes.addAndGet(delta);
        }

        HistoryResult after(StreamPosition since, int limit) {
            StreamPosition head = new StreamPosition(epoch, lastOffset);
            if (since == null) {
                return new HistoryResult(List.of(), head, true);
            }
            boolean recovered = since.sameEpoch(head) && since.offset() <= lastOffset;
            long firstWanted = since.offset() + 1;
            if (recovered && firstWanted <= lastOffset) {
                Entry oldest = entries.peekFirst();
                recovered = oldest != null && oldest.publication.position().offset() <= firstWanted;
            }
            if (!recovered) {
                return new HistoryResult(List.of(), head, false);
            }
            List<Publication> out = new ArrayList<>();
            for (Iterator<Entry> it = entries.iterator(); it.hasNext() && out.size() < limit; ) {
                Publication p = it.next().publication;
                if (p.position().offset() >= firstWanted) {
                    out.add(p);
                }
            }
            return new HistoryResult(out, head, recovered);
        }

        StreamPosition rememberedId(String key, long nowMillis) {
            if (idempotency == null) {
                return null;
            }
            RememberedId r = idempotency.get(key);
            if (r == null) {
                return null;
            }
            if (r.expiresAtMillis < nowMillis) {
                idempotency.remove(key);
                account(-r.bytes);
                return null;
            }
            return r.position;
        }

        void remember(String key, StreamPosition position, long expiresAtMillis, long keyBytes) {
            if (idempotency == null) {
                idempotency = new LinkedHashMap<>(16, 0.75f, false) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, RememberedId> eldest) {
                        if (size() > MAX_IDEMPOTENCY_KEYS) {
                            account(-eldest.getValue().bytes);
                            return true;
                        }
                        return false;
                    }
                };
            }
            RememberedId previous = idempotency.put(key, new RememberedId(position, expiresAtMillis, keyBytes));
            account(keyBytes - (previous == null ? 0 : previous.bytes));
        }
    }

    private record Entry(Publication publication, long addedAtMillis, long bytes) {
    }

    private record RememberedId(StreamPosition position, long expiresAtMillis, long bytes) {
    }
}

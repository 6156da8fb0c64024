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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The zero-dependency broker of a single node. History lives in memory, bounded per channel by
 * its {@link HistoryPolicy}; a new process starts a new epoch, so clients resuming from ids of a
 * previous run get a gap notice.
 *
 * <p>Channel positions are kept for the life of the process (a few dozen bytes per channel ever
 * published to), which is what lets a quiet channel resume without a false gap.
 */
public final class InMemoryBroker implements Broker {
    /** How many idempotency keys one channel remembers at most; the oldest are forgotten first. */
    static final int MAX_IDEMPOTENCY_KEYS = 10_000;

    private final HistoryPolicies policies;
    private final Duration idempotencyWindow;
    private final Clock clock;
    private final String epoch;
    private final Map<ChannelName, ChannelLog> channels = new ConcurrentHashMap<>();
    private final Set<ChannelName> subscribed = ConcurrentHashMap.newKeySet();
    private volatile BrokerListener listener;

    public InMemoryBroker(HistoryPolicies policies) {
        this(policies, DEFAULT_IDEMPOTENCY_WINDOW, Clock.systemUTC());
    }

    public InMemoryBroker(HistoryPolicies policies, Duration idempotencyWindow, Clock clock) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.idempotencyWindow = Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.epoch = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36,
                36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36);
    }

    public String epoch() {
        return epoch;
    }

    @Override
    public CompletableFuture<Void> start(BrokerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        listener.onBrokerUp();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> subscribe(ChannelName channel) {
        subscribed.add(channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ChannelName channel) {
        subscribed.remove(channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<StreamPosition> publish(PublishRequest request) {
        ChannelLog log = channels.computeIfAbsent(request.channel(), c -> new ChannelLog(policies.forChannel(c)));
        long nowMillis = clock.millis();
        synchronized (log) {
            if (request.idempotencyKey() != null) {
                StreamPosition earlier = log.rememberedId(request.idempotencyKey(), nowMillis);
                if (earlier != null) {
                    return CompletableFuture.completedFuture(earlier);
                }
            }
            StreamPosition position = new StreamPosition(epoch, ++log.lastOffset);
            Publication publication = new Publication(request.channel(), position, request.event(),
                    request.data(), nowMillis * 1000L);
            log.append(publication, nowMillis);
            if (request.idempotencyKey() != null) {
                log.remember(request.idempotencyKey(), position, nowMillis + idempotencyWindow.toMillis());
            }
            BrokerListener l = listener;
            // Inside the lock: the listener sees one channel's publications in offset order.
            if (l != null && subscribed.contains(request.channel())) {
                l.onPublication(publication);
            }
            return CompletableFuture.completedFuture(position);
        }
    }

    @Override
    public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
        ChannelLog log = channels.get(channel);
        if (log == null) {
            StreamPosition head = StreamPosition.start(epoch);
            boolean recovered = since == null || since.equals(head);
            return CompletableFuture.completedFuture(new HistoryResult(List.of(), head, recovered));
        }
        synchronized (log) {
            log.trimByAge(clock.millis());
            return CompletableFuture.completedFuture(log.after(since, limit, epoch));
        }
    }

    @Override
    public boolean isUp() {
        return true;
    }

    @Override
    public void close() {
        listener = null;
    }

    /** One channel's position and bounded history; guarded by its own monitor. */
    private static final class ChannelLog {
        private final HistoryPolicy policy;
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private LinkedHashMap<String, RememberedId> idempotency;
        long lastOffset;

        ChannelLog(HistoryPolicy policy) {
            this.policy = policy;
        }

        void append(Publication publication, long nowMillis) {
            if (policy.size() == 0) {
                return;
            }
            entries.addLast(new Entry(publication, nowMillis));
            while (entries.size() > policy.size()) {
                entries.removeFirst();
            }
            trimByAge(nowMillis);
        }

        void trimByAge(long nowMillis) {
            long oldestKept = nowMillis - policy.ttl().toMillis();
            while (!entries.isEmpty() && entries.peekFirst().addedAtMillis < oldestKept) {
                entries.removeFirst();
            }
        }

        HistoryResult after(StreamPosition since, int limit, String epoch) {
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
                return null;
            }
            return r.position;
        }

        void remember(String key, StreamPosition position, long expiresAtMillis) {
            if (idempotency == null) {
                idempotency = new LinkedHashMap<>(16, 0.75f, false) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, RememberedId> eldest) {
                        return size() > MAX_IDEMPOTENCY_KEYS;
                    }
                };
            }
            idempotency.put(key, new RememberedId(position, expiresAtMillis));
        }
    }

    private record Entry(Publication publication, long addedAtMillis) {
    }

    private record RememberedId(StreamPosition position, long expiresAtMillis) {
    }
}

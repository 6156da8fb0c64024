package io.rtgw.core;

import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's registry of local subscribers by channel, and the fan-out of broker publications.
 *
 * <p>The node subscribes a channel at the broker when its first local subscriber arrives and
 * unsubscribes a {@code linger} after the last one leaves, so clients that come and go (long-poll
 * above all) do not churn broker subscriptions.
 *
 * <p>Subscribers are grouped by the event loop that owns them. A publication becomes one task per
 * event loop, which delivers to that loop's subscribers in a plain loop: no lock and no per-
 * subscriber allocation on the fan-out path, and the bytes of each wire format are encoded once
 * (see {@link Publication#encoded}). The per-loop sets are only ever touched by their own loop.
 */
public final class Hub implements BrokerListener {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final Broker broker;
    private final ScheduledExecutorService timer;
    private final long lingerNanos;
    private final GatewayObserver observer;
    private final Map<ChannelName, ChannelEntry> channels = new ConcurrentHashMap<>();
    private volatile boolean brokerDown;

    public Hub(Broker broker, ScheduledExecutorService timer, Duration linger, GatewayObserver observer) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.lingerNanos = linger.toNanos();
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Registers a session for a channel; called on the session's executor. The future completes
     * once the broker delivers the channel live; publications may reach the session before that.
     */
    public CompletableFuture<Void> add(ChannelName channel, SessionHandle session) {
        ChannelEntry entry = channels.compute(channel, (c, e) -> {
            ChannelEntry live = e == null ? new ChannelEntry(c) : e;
            live.count++;
            if (live.lingering != null) {
                live.lingering.cancel(false);
                live.lingering = null;
            }
            if (live.brokerSubscription == null || live.brokerSubscription.isCompletedExceptionally()) {
                live.brokerSubscription = broker.subscribe(c);
            }
            return live;
        });
        entry.loop(session.executor()).add(session);
        observer.subscriptionsChanged(1);
        return entry.brokerSubscription;
    }

    /** Removes a session from a channel; called on the session's executor. */
    public void remove(ChannelName channel, SessionHandle session) {
        ChannelEntry entry = channels.get(channel);
        if (entry == null || !entry.loop(session.executor()).remove(session)) {
            return;
        }
        observer.subscriptionsChanged(-1);
        channels.computeIfPresent(channel, (c, e) -> {
            if (--e.count == 0) {
                try {
                    e.lingering = timer.schedule(() -> unsubscribeIfIdle(e), lingerNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException shuttingDown) {
                    return null; // the node is stopping: its broker subscriptions end with it
                }
            }
            return e;
        });
    }

    private void unsubscribeIfIdle(ChannelEntry idle) {
        channels.computeIfPresent(idle.channel, (c, e) -> {
            if (e != idle || e.count > 0) {
                return e;
            }
            broker.unsubscribe(c).whenComplete((ok, error) -> {
                if (error != null) {
                    log.warn("unsubscribe {} failed: {}", c, error.toString());
                }
            });
            return null;
        });
    }

    /** Channels with a broker subscription (including lingering ones). */
    public int channelCount() {
        return channels.size();
    }

    /** Local subscribers of a channel (for the server API and tests). */
    public int subscriberCount(ChannelName channel) {
        ChannelEntry e = channels.get(channel);
        return e == null ? 0 : e.count;
    }

    public List<ChannelName> activeChannels() {
        List<ChannelName> out = new ArrayList<>();
        channels.forEach((c, e) -> {
            if (e.count > 0) {
                out.add(c);
            }
        });
        return out;
    }

    public boolean brokerUp() {
        return !brokerDown && broker.isUp();
    }

    @Override
    public void onPublication(Publication publication) {
        ChannelEntry entry = channels.get(publication.channel());
        if (entry == null) {
            return;
        }
        for (LoopSubscribers loop : entry.loops) {
            loop.dispatch(publication);
        }
    }

    @Override
    public void onBrokerDown() {
        brokerDown = true;
        observer.brokerState(false);
    }

    @Override
    public void onBrokerUp() {
        boolean wasDown = brokerDown;
        brokerDown = false;
        observer.brokerState(true);
        if (wasDown) {
            channels.values().forEach(e -> e.loops.forEach(l -> l.forEachSession(s -> s.resync(e.channel))));
        }
    }

    /** One channel's subscribers, grouped by owning event loop. */
    private static final class ChannelEntry {
        final ChannelName channel;
        /** A handful of entries at most (one per event loop); read on every publication. */
        final List<LoopSubscribers> loops = new CopyOnWriteArrayList<>();
        /** Guarded by the map's compute. */
        int count;
        CompletableFuture<Void> brokerSubscription;
        ScheduledFuture<?> lingering;

        ChannelEntry(ChannelName channel) {
            this.channel = channel;
        }

        LoopSubscribers loop(Executor executor) {
            for (LoopSubscribers l : loops) {
                if (l.executor == executor) {
                    return l;
                }
            }
            synchronized (this) {
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
    }

    /**
     * The subscribers of one channel owned by one event loop. Only that loop touches the set, so
     * it needs no lock; changes made while a delivery is iterating are applied right after it.
     */
    private static final class LoopSubscribers {
        final ChannelName channel;
        final Executor executor;
        private final LinkedHashSet<SessionHandle> sessions = new LinkedHashSet<>();
        private List<Runnable> deferred;
        private boolean iterating;

        LoopSubscribers(ChannelName channel, Executor executor) {
            this.channel = channel;
            this.executor = executor;
        }

        void add(SessionHandle s) {
            if (iterating) {
                defer(() -> sessions.add(s));
            } else {
                sessions.add(s);
            }
        }

        boolean remove(SessionHandle s) {
            if (iterating) {
                boolean present = sessions.contains(s);
                defer(() -> sessions.remove(s));
                return present;
            }
            return sessions.remove(s);
        }

        void dispatch(Publication publication) {
            executor.execute(() -> forEachSessionNow(s -> s.deliver(publication)));
        }

        void forEachSession(Consumer<SessionHandle> action) {
            executor.execute(() -> forEachSessionNow(action));
        }

        private void forEachSessionNow(Consumer<SessionHandle> action) {
            if (sessions.isEmpty()) {
                return;
            }
            iterating = true;
            try {
                for (SessionHandle s : sessions) {
                    try {
                        action.accept(s);
                    } catch (RuntimeException e) {
                        log.error("delivery to a session of {} failed", channel, e);
                    }
                }
            } finally {
                iterating = false;
                applyDeferred();
            }
        }

        private void defer(Runnable change) {
            if (deferred == null) {
                deferred = new ArrayList<>(2);
            }
            deferred.add(change);
        }

        private void applyDeferred() {
            if (deferred != null) {
                List<Runnable> changes = deferred;
                deferred = null;
                changes.forEach(Runnable::run);
            }
        }
    }
}

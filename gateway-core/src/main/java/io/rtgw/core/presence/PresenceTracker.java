package io.rtgw.core.presence;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of presence (docs/protocol.md §9): which of its connections are in which
 * channel's set, written to the {@link PresenceStore} once per join and per leave, and its leases
 * renewed every interval in one batch for all channels (not per connection).
 *
 * <p>A store write for a channel is dispatched while that channel's entry of the local map is
 * locked ({@link ConcurrentHashMap#compute}): dispatching is asynchronous and brief, and it makes
 * the store see one channel's joins, leaves and rewrites in the order the local map changed, so a
 * rewrite can never bring back a connection that has left. A join's or leave's answer is only
 * looked at where it arrives (a store thread, or the caller's for a store that answers at once);
 * the rare work it may start — a rewrite, a leave to send again — runs on the tracker's own
 * thread, never on an event loop.
 *
 * <p>A store error never fails a subscribe: it is counted ({@link GatewayObserver#presenceError()})
 * and repaired by the next renewal — a lost join by rewriting the channel's entries, a lost leave
 * by sending it again.
 */
public final class PresenceTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

    /** This node's entries of one channel; only touched inside {@code compute} of its key. */
    private static final class Local {
        final Map<String, PresenceEntry> entries = new HashMap<>(4);
        /** A write of this channel failed: write all of its entries again at the next renewal. */
        boolean rewrite;
    }

    private final PresenceStore store;
    private final Duration interval;
    private final GatewayObserver observer;
    private final ScheduledExecutorService thread;
    /** Where store results are handled; a task arriving while the node stops is dropped. */
    private final java.util.concurrent.Executor async = this::onThread;
    private final Map<ChannelName, Local> channels = new ConcurrentHashMap<>();
    /** Leaves whose store write failed, sent again at each renewal until one works. */
    private final Map<ChannelName, Set<String>> unsentLeaves = new ConcurrentHashMap<>();
    private volatile long lastErrorLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    /** Store writes sent and not answered yet: a node that stops waits briefly for its last leaves. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    public PresenceTracker(PresenceStore store, Duration interval, GatewayObserver observer) {
        this.store = Objects.requireNonNull(store, "store");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.observer = Objects.requireNonNull(observer, "observer");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtgw-presence");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the renewals, one batch every interval. */
    public PresenceTracker start() {
        long every = interval.toNanos();
        thread.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.NANOSECONDS);
        return this;
    }

    public void join(ChannelName channel, PresenceEntry entry) {
        if (closed) {
            return;
        }
        channels.compute(channel, (c, local) -> {
            Local l = local == null ? new Local() : local;
            Set<String> unsent = unsentLeaves.get(c);
            if (unsent != null) {
                unsent.remove(entry.client()); // the same connection is back: its old leave must not remove it
            }
            boolean others = !l.entries.isEmpty();
            l.entries.put(entry.client(), entry);
            // checked where the answer arrives; only the rare repair moves to the tracker's thread,
            // so a join costs no hand-over between threads
            tracked(store.add(c, entry)).whenComplete((leaseWasMissing, error) -> {
                if (error != null) {
                    async.execute(() -> {
                        failed("join", c, error);
                        markRewrite(c);
                    });
                } else if (leaseWasMissing && others) {
                    async.execute(() -> rewrite(c)); // the node's other entries of the channel were lost with its lease
                }
            });
            return l;
        });
    }

    public void leave(ChannelName channel, String client) {
        channels.compute(channel, (c, local) -> {
            if (local == null || local.entries.remove(client) == null) {
                return local;
            }
            boolean last = local.entries.isEmpty();
            sendLeave(c, client, last);
            return last ? null : local;
        });
    }

    /** The channel's presence set across the fleet. */
    public CompletableFuture<List<PresenceEntry>> entries(ChannelName channel) {
        try {
            return store.entries(channel);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How many channels this node holds entries in (tests, metrics). */
    public int channelCount() {
        return channels.size();
    }

    /** Runs one renewal now (tests); normally the tracker's timer does. */
    public void renewNow() {
        execute(thread, this::renew);
    }

    private void sendLeave(ChannelName channel, String client, boolean last) {
        tracked(store.remove(channel, client, last)).whenComplete((ok, error) -> {
            if (error != null) {
                async.execute(() -> {
                    failed("leave", channel, error);
                    unsentLeaves.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(client);
                });
            }
        });
    }

    /** On the tracker's thread: the batch of leases, then repairs of what earlier writes lost. */
    private void renew() {
        if (closed) {
            return;
        }
        try {
            retryLeaves();
            List<ChannelName> held = new ArrayList<>(channels.keySet());
            if (held.isEmpty()) {
                return;
            }
            store.renew(held).whenCompleteAsync((lost, error) -> {
                if (error != null) {
                    failed("renewal", null, error);
                    return;
                }
                lost.forEach(this::rewrite);
            }, async);
            for (Map.Entry<ChannelName, Local> e : channels.entrySet()) {
                if (e.getValue().rewrite) {
                    rewrite(e.getKey());
                }
            }
        } catch (RuntimeException e) {
            failed("renewal", null, e);
        }
    }

    private void retryLeaves() {
        for (ChannelName channel : new ArrayList<>(unsentLeaves.keySet())) {
            Set<String> clients = unsentLeaves.remove(channel);
            if (clients == null) {
                continue;
            }
            channels.compute(channel, (c, local) -> {
                for (String client : clients) {
                    if (local == null || !local.entries.containsKey(client)) {
                        sendLeave(c, client, local == null);
                    }
                }
                return local;
            });
        }
    }

    private void markRewrite(ChannelName channel) {
        channels.computeIfPresent(channel, (c, local) -> {
            local.rewrite = true;
            return local;
        });
    }

    private void rewrite(ChannelName channel) {
        channels.computeIfPresent(channel, (c, local) -> {
            local.rewrite = false;
            List<PresenceEntry> snapshot = List.copyOf(local.entries.values());
            tracked(store.rewrite(c, snapshot)).whenCompleteAsync((ok, error) -> {
                if (error != null) {
                    failed("rewrite", c, error);
                    markRewrite(c);
                }
            }, async);
            return local;
        });
    }

    private <T> CompletableFuture<T> tracked(CompletableFuture<T> write) {
        inFlight.incrementAndGet();
        write.whenComplete((ok, error) -> inFlight.decrementAndGet());
        return write;
    }

    /** Counted always; logged at most once a minute, since an outage fails every write. */
    private void failed(String what, ChannelName channel, Throwable error) {
        observer.presenceError();
        long now = System.nanoTime();
        if (now - lastErrorLogNanos > TimeUnit.MINUTES.toNanos(1)) {
            lastErrorLogNanos = now;
            log.warn("presence {} failed{}: {} (counted in rtgw_presence_errors_total; repaired by the next renewal)",
                    what, channel == null ? "" : " for " + channel, error.toString());
        }
    }

    /**
     * Stops renewing, after waiting up to a second for writes still in flight (the leaves of the
     * sessions the node just closed): entries whose leave did not make it expire with their leases.
     */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10); // shutdown only, on the closing thread: never an event loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private void onThread(Runnable task) {
        execute(thread, task);
    }

    static void execute(ScheduledExecutorService executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closing) {
            // the node is stopping: its leases expire instead
        }
    }
}

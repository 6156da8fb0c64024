package io.rtgw.pubsub;

import io.rtgw.core.broker.BrokerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the broker's connection state. One supervisor thread loads the function, builds the
 * pub/sub link and subscribes every wanted channel, and only then reports the broker up; every
 * failure, from Lettuce's events, the link or the periodic probe, ends in a request to that one
 * thread, so repairs never run concurrently and "up" is only ever said by the code that checked.
 * Kept apart from {@link RedisBroker}'s commands and from {@link Delivery}'s per-message path,
 * which only read {@link #isUp()} and {@link #liveLink()}. The control plane's link
 * ({@link ControlBus}) is supervised the same way, with its own instance and no function.
 */
final class LinkSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkSupervisor.class);

    private final RedisBrokerConfig config;
    private final String role;
    private final RedisTopology topology;
    /** null: nothing to load (the control plane's link). */
    private final String functionCode;
    private final String probeBase;
    /** The wanted pub/sub channels (the keys); the values are the owner's business. */
    private final Map<String, ?> subscribed;
    /** Every pub/sub message that is not a probe: (Redis channel, payload), on Lettuce's loop. */
    private final BiConsumer<String, byte[]> messages;
    private final ScheduledExecutorService supervisor = daemonScheduler("rtgw-redis-supervisor");
    private final ScheduledExecutorService watchdog = daemonScheduler("rtgw-redis-watchdog");
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> daemon(r, "rtgw-redis-probe"));
    private final LinkProbe probe;
    private final AtomicBoolean up = new AtomicBoolean();
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private volatile CompletableFuture<Void> nextUp = new CompletableFuture<>();
    private volatile BrokerListener listener;
    private volatile PubSubLink link;
    private volatile boolean functionLoaded;
    private volatile boolean commandsSuspect;
    private volatile boolean closed;
    private int failedRepairs;

    /**
     * @param role         what the link serves, for log lines ("broker", "control plane")
     * @param functionCode the function library to keep loaded, or null for none
     */
    LinkSupervisor(String role, RedisBrokerConfig config, Function<RedisTopology.Events, RedisTopology> topology,
                   String functionCode, String probeBase, Map<String, ?> subscribed,
                   BiConsumer<String, byte[]> messages) {
        this.role = role;
        this.config = config;
        this.functionCode = functionCode;
        this.probeBase = probeBase;
        this.subscribed = subscribed;
        this.messages = messages;
        this.probe = new LinkProbe(config.probeTimeout(), prober);
        this.topology = topology.apply(new TopologyEvents());
    }

    /** @return completes when the broker is first up */
    CompletableFuture<Void> start(BrokerListener listener) {
        this.listener = listener;
        CompletableFuture<Void> firstUp = nextUp;
        long tick = config.probeInterval().toMillis();
        supervisor.execute(this::repair);
        watchdog.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        return firstUp;
    }

    RedisTopology topology() {
        return topology;
    }

    boolean isUp() {
        return up.get() && !closed;
    }

    /** Completes the next time the broker reports up (taken before checking {@link #liveLink()}). */
    CompletableFuture<Void> nextUp() {
        return nextUp;
    }

    /** The link, while the broker is up; null when the next repair will build one. */
    PubSubLink liveLink() {
        PubSubLink l = link;
        return up.get() ? l : null;
    }

    /** The link, whatever the state: for confirming a subscription after a repair. */
    PubSubLink link() {
        return link;
    }

    /** Redis lost the function (restarted empty): reload it before the next up. */
    void functionLost() {
        functionLoaded = false;
    }

    private final class LinkSink implements PubSubLink.Sink {
        @Override
        public void onMessage(String channel, byte[] payload) {
            if (!probe.accept(channel, payload)) {
                messages.accept(channel, payload);
            }
        }

        @Override
        public void onUnsubscribed(String channel) {
            if (closed || !subscribed.containsKey(channel)) {
                return; // our own unsubscribe
            }
            // Cluster moved the channel's slot (resharding, failover): the subscription is gone
            // and must be made again at the new owner, with a backfill for what passed meanwhile
            log.warn("Redis ended the subscription of {}; rebuilding the {} pub/sub link", channel, role);
            rebuild(link);
        }

        @Override
        public void onLinkLost() {
            if (closed) {
                return;
            }
            log.warn("Redis {} pub/sub link lost", role);
            markDown();
            requestRepair();
        }
    }

    private final class TopologyEvents implements RedisTopology.Events {
        @Override
        public void commandsConnected() {
            functionLoaded = false;
            requestRepair();
        }

        @Override
        public void commandsDisconnected() {
            functionLoaded = false;
            markDown();
            requestRepair();
        }

        @Override
        public void topologyChanged() {
            functionLoaded = false;
            requestRepair();
        }
    }

    private void requestRepair() {
        if (closed) {
            return;
        }
        try {
            supervisor.execute(this::repair);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void markDown() {
        if (up.compareAndSet(true, false)) {
            BrokerListener l = listener;
            if (l != null) {
                l.onBrokerDown();
            }
        }
    }

    /** Runs on the supervisor only: brings every piece back, then reports up. Idempotent. */
    private void repair() {
        if (closed) {
            return;
        }
        Duration timeout = config.commandTimeout();
        try {
            if (commandsSuspect) {
                commandsSuspect = false;
                functionLoaded = false;
                log.warn("Redis {} command connection stopped answering; opening a new one", role);
                topology.resetCommands();
            }
            topology.connectCommands(timeout);
            if (!topology.commandsOpen()) {
                log.info("Redis {} command connection not open yet; retrying", role);
                markDown();
                retryLater(); // Lettuce's connected event may call us sooner
                return;
            }
            if (!functionLoaded) {
                functionLoaded = true;
                try {
                    if (functionCode != null) {
                        topology.loadFunction(functionCode, timeout);
                    }
                } catch (Exception e) {
                    functionLoaded = false;
                    throw e;
                }
            }
            PubSubLink l = link;
            if (l == null || !l.isOpen()) {
                markDown();
                link = null;
                if (l != null) {
                    l.close();
                }
                l = topology.openPubSub(new LinkSink(), timeout);
                try {
                    subscribeEverything(l, timeout);
                } catch (Exception e) {
                    l.close();
                    throw e;
                }
                link = l;
            }
            if (!functionLoaded || !topology.commandsOpen() || !l.isOpen()) {
                log.info("Redis changed while the {} was being repaired; repairing again", role);
                retryLater();
                return;
            }
            failedRepairs = 0;
            if (up.compareAndSet(false, true)) {
                CompletableFuture<Void> waiting = nextUp;
                nextUp = new CompletableFuture<>();
                log.info("Redis {} up ({} pub/sub channels subscribed and {} probe channels)",
                        role, subscribed.size(), probe.channelCount());
                BrokerListener listen = listener;
                if (listen != null) {
                    listen.onBrokerUp();
                }
                waiting.complete(null);
            }
        } catch (Exception e) {
            log.warn("Redis {} not ready yet: {}", role, describe(e));
            log.debug("repair failed", e);
            markDown();
            retryLater();
        }
    }

    /** The probe channels and every wanted channel, confirmed by Redis. */
    private void subscribeEverything(PubSubLink l, Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("subscribing the pub/sub link");
        List<CompletableFuture<Void>> confirmations = new ArrayList<>();
        List<String> probeChannels = topology.probeChannels(probeBase);
        probe.reset(probeChannels);
        for (String channel : probeChannels) {
            confirmations.add(l.subscribe(channel));
        }
        for (String key : subscribed.keySet()) {
            confirmations.add(l.subscribe(key));
        }
        CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new))
                .get(timeout.toMillis() + confirmations.size(), TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 500; t = t.getCause()) {
            if (t instanceof java.util.concurrent.ExecutionException || t instanceof CompletionException) {
                continue;
            }
            text.append(text.length() == 0 ? "" : " <- ").append(t);
        }
        return text.toString();
    }

    /**
     * Supervisor thread only; one pending retry at most, however many failures asked for one.
     * The delay doubles with each failure in a row (capped, jittered) so that a fleet of nodes
     * does not hammer a Redis that is struggling to come back.
     */
    private void retryLater() {
        if (!closed && retryPending.compareAndSet(false, true)) {
            int failures = Math.min(failedRepairs++, 5);
            long base = config.retryDelay().toMillis() << failures;
            long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
            try {
                supervisor.schedule(() -> {
                    retryPending.set(false);
                    repair();
                }, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /**
     * Periodic, on the watchdog thread: ask for repair when down, else check that the last probe
     * came back through pub/sub. Kept apart from the supervisor, whose repair work may wait on a
     * hung Redis for a whole command timeout; the watchdog must still notice that hang.
     */
    private void tick() {
        if (closed) {
            return;
        }
        if (!up.get()) {
            if (!retryPending.get()) {
                requestRepair();
            }
            return;
        }
        LinkProbe.Verdict verdict = probe.check(System.nanoTime(), topology::publish);
        if (verdict != LinkProbe.Verdict.HEALTHY) {
            log.warn("Redis {} pub/sub probe not received within {}{}; rebuilding the link", role, config.probeTimeout(),
                    verdict == LinkProbe.Verdict.COMMANDS_SILENT ? " and its PUBLISH not answered" : "");
            commandsSuspect = verdict == LinkProbe.Verdict.COMMANDS_SILENT;
            rebuild(link);
        }
    }

    /** A link that can no longer be trusted to deliver: report down and build a new one. */
    void rebuild(PubSubLink broken) {
        if (broken != null) {
            broken.markBroken();
        }
        markDown();
        requestRepair();
    }

    @Override
    public void close() {
        closed = true;
        listener = null;
        supervisor.shutdownNow();
        prober.shutdownNow();
        watchdog.shutdownNow();
        topology.close();
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

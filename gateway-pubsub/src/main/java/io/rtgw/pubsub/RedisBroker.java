package io.rtgw.pubsub;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of a fleet: every node connects to the same Redis (or Sentinel group, or Cluster).
 *
 * <ul>
 *   <li>Publishing and history go through the {@code rtgw} Redis Function library, so appending
 *       to the stream, advancing the position and fanning out are one atomic step per channel,
 *       whether the gateway or an app ({@code FCALL rtgw_publish}) publishes.</li>
 *   <li>The node subscribes once per channel it holds (SUBSCRIBE, or SSUBSCRIBE on Cluster),
 *       never with a pattern, and hands every message to a per-channel lane off the event
 *       loop.</li>
 *   <li>One supervisor thread owns the connection state: it loads the function, builds the
 *       pub/sub link and subscribes everything, and only then reports the broker up. A periodic
 *       probe through Redis finds a link that went silent without closing.</li>
 * </ul>
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisBrokerConfig config;
    private final ChannelKeys keys;
    private final RedisEndpoint endpoint;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final RedisTopology topology;
    private final String functionCode;
    private final String probeBase;
    private final Map<String, ChannelName> subscribed = new ConcurrentHashMap<>();
    private final ChannelLanes lanes;
    private final DeliveryGuard guard = new DeliveryGuard();
    private final ScheduledExecutorService supervisor;
    private final java.util.concurrent.ExecutorService prober;
    private final ScheduledExecutorService watchdog;
    private final AtomicBoolean up = new AtomicBoolean();
    private volatile CompletableFuture<Void> nextUp = new CompletableFuture<>();
    private volatile BrokerListener listener;
    private volatile PubSubLink link;
    private volatile boolean functionLoaded;
    private volatile boolean commandsSuspect;
    private volatile boolean closed;
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private int failedRepairs;

    private final LinkProbe probe;

    public RedisBroker(RedisBrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.keys = new ChannelKeys(config.keyPrefix());
        this.endpoint = RedisEndpoint.parse(config.url());
        if (config.clientResources() != null) {
            this.resources = config.clientResources();
            this.ownsResources = false;
        } else {
            // Reconnect quickly: clients are waiting for the backfill that follows.
            this.resources = DefaultClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                    .build();
            this.ownsResources = true;
        }
        RedisTopology.Events events = new TopologyEvents();
        this.topology = endpoint.cluster()
                ? new ClusterTopology(endpoint.uris(), resources, config.commandTimeout(), config.topologyRefresh(), events)
                : new StandaloneTopology(endpoint.uris().get(0), resources, config.commandTimeout(), events);
        this.functionCode = FunctionLibrary.render(config, endpoint.cluster());
        String nodeId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        this.probeBase = keys.probeBase(nodeId);
        this.lanes = new ChannelLanes(Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtgw-redis-supervisor");
            t.setDaemon(true);
            return t;
        });
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtgw-redis-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.prober = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rtgw-redis-probe");
            t.setDaemon(true);
            return t;
        });
        this.probe = new LinkProbe(config.probeTimeout(), prober);
    }

    @Override
    public CompletableFuture<Void> start(BrokerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        CompletableFuture<Void> firstUp = nextUp;
        long tick = config.probeInterval().toMillis();
        supervisor.execute(this::repair);
        watchdog.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        return firstUp;
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public CompletableFuture<Void> subscribe(ChannelName channel) {
        String key = keys.of(channel);
        subscribed.put(key, channel);
        CompletableFuture<Void> whenUp = nextUp;
        PubSubLink l = link;
        if (!up.get() || l == null) {
            // repair subscribes every wanted channel before reporting up; confirm again after it
            return whenUp.thenCompose(x -> subscribeOnCurrentLink(key));
        }
        return l.subscribe(key).exceptionallyCompose(e -> {
            // a link that cannot subscribe cannot be trusted to deliver either: rebuild it
            log.warn("subscribe {} failed ({}); rebuilding the pub/sub link", key, e.toString());
            CompletableFuture<Void> again = nextUp;
            rebuild(l);
            return again.thenCompose(x -> subscribeOnCurrentLink(key));
        });
    }

    private CompletableFuture<Void> subscribeOnCurrentLink(String key) {
        PubSubLink l = link;
        if (l == null || !subscribed.containsKey(key)) {
            return CompletableFuture.completedFuture(null);
        }
        return l.subscribe(key);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ChannelName channel) {
        String key = keys.of(channel);
        subscribed.remove(key);
        guard.forget(channel);
        PubSubLink l = link;
        if (l == null || !up.get()) {
            // the next link is built from the wanted set only, so nothing more to undo
            return CompletableFuture.completedFuture(null);
        }
        return l.unsubscribe(key).exceptionally(e -> {
            log.debug("unsubscribe {} failed; the link will be rebuilt without it", key, e);
            return null;
        });
    }

    // ---------------------------------------------------------------- publish and history

    @Override
    public CompletableFuture<StreamPosition> publish(PublishRequest request) {
        HistoryPolicy policy = config.policies().forChannel(request.channel());
        // Redis refuses data that is not JSON; the core contract allows any text, and a wire frame
        // must never carry invalid JSON, so non-JSON text travels as a JSON string.
        String data = JsonData.compactOrString(request.data());
        String[] args = {request.event(), data,
                request.idempotencyKey() == null ? "" : request.idempotencyKey(),
                Integer.toString(policy.size()), Long.toString(policy.ttl().toMillis())};
        return fcall(FunctionLibrary.PUBLISH, ScriptOutputType.VALUE, keys.of(request.channel()), args)
                .thenApply(reply -> {
                    StreamPosition position = StreamPosition.parse((String) reply);
                    if (position == null) {
                        throw new IllegalStateException("rtgw_publish returned '" + reply + "', not an id");
                    }
                    return position;
                });
    }

    @Override
    public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
        HistoryPolicy policy = config.policies().forChannel(channel);
        String[] args = {since == null ? "" : since.epoch(), since == null ? "0" : Long.toString(since.offset()),
                Integer.toString(Math.max(0, limit)), Integer.toString(policy.size()),
                Long.toString(policy.ttl().toMillis())};
        String key = keys.of(channel);
        // only what was delivered before Redis runs the read can prove a rollback (see DeliveryGuard)
        StreamPosition deliveredBefore = guard.newest(channel);
        // decoded on the channel's lane: a page of history is too much JSON work for the event loop
        return fcall(FunctionLibrary.HISTORY, ScriptOutputType.MULTI, key, args).thenComposeAsync(reply -> {
            HistoryReply parsed = HistoryReply.parse(channel, reply);
            if (DeliveryGuard.isBehind(parsed.head(), deliveredBefore)) {
                log.warn("{}: Redis is at {} but this node already delivered past it; starting a new epoch",
                        channel, parsed.head());
                return bumpEpoch(channel, parsed.head().epoch())
                        .thenApply(head -> new HistoryResult(List.of(), head, false));
            }
            return CompletableFuture.completedFuture(parsed.toResult());
        }, lanes.of(channel));
    }

    private CompletableFuture<StreamPosition> bumpEpoch(ChannelName channel, String seenEpoch) {
        return fcall(FunctionLibrary.BUMP_EPOCH, ScriptOutputType.MULTI, keys.of(channel), new String[]{seenEpoch})
                .thenApply(reply -> {
                    List<?> list = (List<?>) reply;
                    return new StreamPosition((String) list.get(0), ((Number) list.get(1)).longValue());
                });
    }

    /** FCALL that reloads the library once if this Redis does not have it (e.g. it restarted empty). */
    private CompletableFuture<Object> fcall(String function, ScriptOutputType type, String key, String[] args) {
        return callOnce(function, type, key, args).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).contains("Function not found")) {
                functionLoaded = false;
                return FunctionLibrary.loadUnlessNewer(topology.commands(), functionCode)
                        .thenCompose(loaded -> callOnce(function, type, key, args));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<Object> callOnce(String function, ScriptOutputType type, String key, String[] args) {
        try {
            return topology.commands().<Object>fcall(function, type, new String[]{key}, args).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // ---------------------------------------------------------------- delivery

    private final class LinkSink implements PubSubLink.Sink {
        @Override
        public void onMessage(String channel, byte[] payload) {
            if (probe.accept(channel, payload)) {
                return;
            }
            ChannelName name = subscribed.get(channel);
            if (name != null) {
                long receivedAt = System.currentTimeMillis() * 1000L;
                lanes.execute(name, () -> deliver(channel, name, payload, receivedAt));
            }
        }

        @Override
        public void onUnsubscribed(String channel) {
            if (closed || !subscribed.containsKey(channel)) {
                return; // our own unsubscribe
            }
            // Cluster moved the channel's slot (resharding, failover): the subscription is gone
            // and must be made again at the new owner, with a backfill for what passed meanwhile
            log.warn("Redis ended the subscription of {}; rebuilding the pub/sub link", channel);
            rebuild(link);
        }

        @Override
        public void onLinkLost() {
            if (closed) {
                return;
            }
            log.warn("Redis pub/sub link lost");
            markDown();
            requestRepair();
        }
    }

    private void deliver(String key, ChannelName channel, byte[] payload, long receivedAtMicros) {
        BrokerListener l = listener;
        if (l == null || closed || !channel.equals(subscribed.get(key))) {
            return;
        }
        Publication publication = Envelope.decode(channel, payload, receivedAtMicros);
        if (publication == null) {
            log.debug("{}: dropped a malformed gateway envelope", channel);
            return;
        }
        StreamPosition position = publication.position();
        if (position != null && !guard.admit(channel, position)) {
            log.warn("{}: received {} at or below an offset already delivered; starting a new epoch", channel, position);
            bumpEpoch(channel, position.epoch()).exceptionally(e -> null);
            return;
        }
        try {
            l.onPublication(publication);
        } catch (RuntimeException e) {
            log.error("listener failed on {}", publication, e);
        }
    }

    // ---------------------------------------------------------------- connection supervision

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
                log.warn("Redis command connection stopped answering; opening a new one");
                topology.resetCommands();
            }
            topology.connectCommands(timeout);
            if (!topology.commandsOpen()) {
                log.info("Redis command connection not open yet; retrying");
                markDown();
                retryLater(); // Lettuce's connected event may call us sooner
                return;
            }
            if (!functionLoaded) {
                functionLoaded = true;
                try {
                    topology.loadFunction(functionCode, timeout);
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
                log.info("Redis changed while the broker was being repaired; repairing again");
                retryLater();
                return;
            }
            failedRepairs = 0;
            if (up.compareAndSet(false, true)) {
                CompletableFuture<Void> waiting = nextUp;
                nextUp = new CompletableFuture<>();
                log.info("Redis broker up ({} channels subscribed, {} probe channels)", subscribed.size(), probe.channelCount());
                BrokerListener listen = listener;
                if (listen != null) {
                    listen.onBrokerUp();
                }
                waiting.complete(null);
            }
        } catch (Exception e) {
            log.warn("Redis broker not ready yet: {}", describe(e));
            log.debug("repair failed", e);
            markDown();
            retryLater();
        }
    }

    /** The probe channels and every wanted channel, confirmed by Redis. */
    private void subscribeEverything(PubSubLink l, Duration timeout) throws Exception {
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
            log.warn("Redis pub/sub probe not received within {}{}; rebuilding the link", config.probeTimeout(),
                    verdict == LinkProbe.Verdict.COMMANDS_SILENT ? " and its PUBLISH not answered" : "");
            commandsSuspect = verdict == LinkProbe.Verdict.COMMANDS_SILENT;
            rebuild(link);
        }
    }

    /** A link that can no longer be trusted to deliver: report down and build a new one. */
    private void rebuild(PubSubLink broken) {
        if (broken != null) {
            broken.markBroken();
        }
        markDown();
        requestRepair();
    }

    @Override
    public boolean isUp() {
        return up.get() && !closed;
    }

    /** The channel name apps use for this channel: {@code <prefix>:{<tenant>:<channel>}}. */
    public String redisKey(ChannelName channel) {
        return keys.of(channel);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener = null;
        supervisor.shutdownNow();
        prober.shutdownNow();
        watchdog.shutdownNow();
        lanes.close();
        topology.close();
        if (ownsResources) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}

package io.rtgw.pubsub;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import io.rtgw.core.ChannelName;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of a fleet: every node connects to the same Redis (or Sentinel group, or Cluster).
 *
 * <ul>
 *   <li>Publishing and history go through the {@code rtgw} Redis Function library, so appending
 *       to the stream, advancing the position and fanning out are one atomic step per channel,
 *       whether the gateway or an app ({@code FCALL rtgw_publish}) publishes.</li>
 *   <li>The node subscribes per channel it holds (SUBSCRIBE, or SSUBSCRIBE on Cluster) to its
 *       two Redis channels, the function's envelopes and apps' live payloads ({@link ChannelKeys}),
 *       never with a pattern, and hands every message to a bounded per-channel lane
 *       ({@link Delivery}), which drains on the node's event loops when the pub/sub connections run
 *       on them ({@link RedisResources#pubSubOn}), else on threads of its own.</li>
 *   <li>One supervisor thread owns the connection state ({@link LinkSupervisor}): it loads the
 *       function, builds the pub/sub link and subscribes everything, and only then reports the
 *       broker up. A periodic probe through Redis finds a link that went silent without closing.</li>
 * </ul>
 * This class keeps what callers ask for: the wanted subscriptions, publish and history.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    private final RedisBrokerConfig config;
    private final ChannelKeys keys;
    private final ClientResources resources;
    private final boolean ownsResources;
    private final String functionCode;
    private final Map<String, ChannelName> subscribed = new ConcurrentHashMap<>();
    private final Delivery delivery;
    private final LinkSupervisor supervisor;
    private volatile boolean closed;

    public RedisBroker(RedisBrokerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.keys = new ChannelKeys(config.keyPrefix());
        RedisEndpoint endpoint = RedisEndpoint.parse(config.url());
        this.ownsResources = config.clientResources() == null;
        this.resources = ownsResources ? RedisResources.create() : config.clientResources();
        this.functionCode = FunctionLibrary.render(config, endpoint.cluster());
        ClientResources pubSub = config.pubSubResources() != null ? config.pubSubResources() : resources;
        this.delivery = new Delivery(subscribed, ChannelLanes.defaultCount(),
                config.laneCapacity(), RedisResources.sharedLoops(pubSub).orElse(null), this::bumpEpoch);
        String nodeId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        this.supervisor = new LinkSupervisor("broker", config, events -> endpoint.cluster()
                ? new ClusterTopology(endpoint.uris(), resources, pubSub, config.commandTimeout(), config.topologyRefresh(), events)
                : new StandaloneTopology(endpoint.uris().get(0), resources, pubSub, config.commandTimeout(), events),
                functionCode, keys.probeBase(nodeId), subscribed, delivery::onMessage);
    }

    @Override
    public CompletableFuture<Void> start(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        delivery.start(listener);
        return supervisor.start(listener);
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public CompletableFuture<Void> subscribe(ChannelName channel) {
        // envelopes first: a publication is never missed for want of a subscription, only
        // (before the envelope subscription is confirmed) backfilled from history
        List<String> names = List.of(keys.envelopes(channel), keys.of(channel));
        for (String name : names) {
            subscribed.put(name, channel);
        }
        CompletableFuture<Void> whenUp = supervisor.nextUp();
        PubSubLink l = supervisor.liveLink();
        if (l == null) {
            // repair subscribes every wanted channel before reporting up; confirm again after it
            return whenUp.thenCompose(x -> subscribeOnCurrentLink(names));
        }
        return subscribeAll(l, names).exceptionallyCompose(e -> {
            // a link that cannot subscribe cannot be trusted to deliver either: rebuild it
            log.warn("subscribe {} failed ({}); rebuilding the pub/sub link", names, e.toString());
            CompletableFuture<Void> again = supervisor.nextUp();
            supervisor.rebuild(l);
            return again.thenCompose(x -> subscribeOnCurrentLink(names));
        });
    }

    private CompletableFuture<Void> subscribeOnCurrentLink(List<String> names) {
        PubSubLink l = supervisor.link();
        if (l == null || !subscribed.keySet().containsAll(names)) {
            return CompletableFuture.completedFuture(null);
        }
        return subscribeAll(l, names);
    }

    private static CompletableFuture<Void> subscribeAll(PubSubLink l, List<String> names) {
        return CompletableFuture.allOf(names.stream().map(l::subscribe).toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ChannelName channel) {
        List<String> names = List.of(keys.of(channel), keys.envelopes(channel));
        subscribed.keySet().removeAll(names);
        delivery.guard().forget(channel);
        PubSubLink l = supervisor.liveLink();
        if (l == null) {
            // the next link is built from the wanted set only, so nothing more to undo
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(names.stream().map(name -> l.unsubscribe(name).exceptionally(e -> {
            log.debug("unsubscribe {} failed; the link will be rebuilt without it", name, e);
            return null;
        })).toArray(CompletableFuture[]::new));
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

    /**
     * One PUBLISH (SPUBLISH on Cluster) on the channel's envelope channel: every node subscribed
     * hears it, nothing is stored (docs/protocol.md §9).
     */
    @Override
    public CompletableFuture<Void> publishLive(ChannelName channel, String event, String data) {
        try {
            String payload = Envelope.encodeGatewayLive(event, data, System.currentTimeMillis() * 1000L);
            return supervisor.topology().publish(keys.envelopes(channel), payload).thenApply(receivers -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
        HistoryPolicy policy = config.policies().forChannel(channel);
        String[] args = {since == null ? "" : since.epoch(), since == null ? "0" : Long.toString(since.offset()),
                Integer.toString(Math.max(0, limit)), Integer.toString(policy.size()),
                Long.toString(policy.ttl().toMillis())};
        String key = keys.of(channel);
        // only what was delivered before Redis runs the read can prove a rollback (see DeliveryGuard)
        StreamPosition deliveredBefore = delivery.guard().newest(channel);
        // decoded on the channel's lane: after the messages of the channel received before it, and
        // (with Lettuce on loops of its own) not on the loop that reads every other reply
        return fcall(FunctionLibrary.HISTORY, ScriptOutputType.MULTI, key, args).thenComposeAsync(reply -> {
            HistoryReply parsed = HistoryReply.parse(channel, reply);
            if (DeliveryGuard.isBehind(parsed.head(), deliveredBefore)) {
                log.warn("{}: Redis is at {} but this node already delivered past it; starting a new epoch",
                        channel, parsed.head());
                return bumpEpoch(channel, parsed.head().epoch())
                        .thenApply(head -> new HistoryResult(List.of(), head, false));
            }
            return CompletableFuture.completedFuture(parsed.toResult());
        }, delivery.executor(channel));
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
                supervisor.functionLost();
                return FunctionLibrary.loadUnlessNewer(supervisor.topology().commands(), functionCode)
                        .thenCompose(loaded -> callOnce(function, type, key, args));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<Object> callOnce(String function, ScriptOutputType type, String key, String[] args) {
        try {
            return supervisor.topology().commands().<Object>fcall(function, type, new String[]{key}, args)
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean isUp() {
        return supervisor.isUp() && !closed;
    }

    /**
     * Messages received from Redis and not yet handed to the listener, over all lanes: the
     * {@code rtgw_broker_queue_depth} gauge. Each lane holds at most
     * {@link RedisBrokerConfig#laneCapacity()}.
     */
    public long queueDepth() {
        return delivery.queueDepth();
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
        delivery.close();
        supervisor.close();
        if (ownsResources) {
            RedisResources.shutdown(resources);
        }
    }
}

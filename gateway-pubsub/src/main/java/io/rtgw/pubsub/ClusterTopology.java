package io.rtgw.pubsub;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * Redis Cluster: commands are routed by the channel's hash tag; live delivery uses sharded
 * pub/sub (SSUBSCRIBE on the master owning the channel's slot, one call per channel because
 * channels of different slots cannot share one), so a publish is not broadcast over the whole
 * cluster bus.
 */
final class ClusterTopology implements RedisTopology {
    private final List<RedisURI> seeds;
    private final RedisClusterClient commandClient;
    private final RedisClusterClient pubSubClient;
    private final Disposable topologyEvents;
    private final Set<Object> masterConnections = ConcurrentHashMap.newKeySet();
    private volatile StatefulRedisClusterConnection<String, String> commands;
    private volatile ClusterLink link;

    ClusterTopology(List<RedisURI> seeds, ClientResources resources, ClientResources pubSubResources, Duration commandTimeout,
                    Duration topologyRefresh, Events events) {
        this.seeds = List.copyOf(seeds);
        commandClient = RedisClusterClient.create(resources, seeds);
        commandClient.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                // per-node connections open lazily on first use, so rejecting commands while a
                // node connection is not active yet would fail ordinary first publishes; queued
                // commands are bounded by the command timeout instead
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(topologyRefresh)
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        commandClient.addListener(new CommandConnectionWatch(masterConnections::contains, events));
        pubSubClient = RedisClusterClient.create(pubSubResources, seeds);
        pubSubClient.setOptions(ClusterClientOptions.builder()
                .autoReconnect(false)
                // node connections are opened lazily and may still be activating when the first
                // SSUBSCRIBE is written; the command timeout bounds the wait
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        pubSubClient.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                ClusterLink l = link;
                if (l != null && l.owns(connection)) {
                    l.lost();
                }
            }
        });
        // A new master (failover, resharding) has no functions until someone loads them.
        topologyEvents = resources.eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(e -> events.topologyChanged());
    }

    @Override
    public boolean cluster() {
        return true;
    }

    @Override
    public synchronized void connectCommands(Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("connecting to Redis Cluster");
        if (commands == null) {
            // asynchronous connects expect the topology to be known already
            commandClient.refreshPartitionsAsync().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            commands = commandClient.connectAsync(StringCodec.UTF8).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public BatchConnection connectBatch(Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("connecting to Redis Cluster");
        StatefulRedisClusterConnection<String, String> c = commandClient.connectAsync(StringCodec.UTF8)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new BatchConnection(c, c.async());
    }

    @Override
    public synchronized void resetCommands() {
        StatefulRedisClusterConnection<String, String> c = commands;
        commands = null;
        masterConnections.clear();
        if (c != null) {
            c.closeAsync();
        }
    }

    @Override
    public boolean commandsOpen() {
        StatefulRedisClusterConnection<String, String> c = commands;
        return c != null && c.isOpen();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> commands() {
        StatefulRedisClusterConnection<String, String> c = commands;
        if (c == null) {
            throw new IllegalStateException("not connected to Redis Cluster " + seeds);
        }
        return c.async();
    }

    @Override
    public void loadFunction(String code, Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("loading the function library");
        StatefulRedisClusterConnection<String, String> c = commands;
        if (c == null) {
            throw new IllegalStateException("not connected to Redis Cluster " + seeds);
        }
        List<CompletableFuture<Void>> loads = new ArrayList<>();
        for (RedisClusterNode node : c.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                loads.add(c.getConnectionAsync(node.getNodeId())
                        .thenCompose(n -> {
                            masterConnections.add(n);
                            return FunctionLibrary.loadUnlessNewer(n.async(), code);
                        }));
            }
        }
        CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public PubSubLink openPubSub(PubSubLink.Sink sink, Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("opening the pub/sub link");
        pubSubClient.refreshPartitionsAsync().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        StatefulRedisClusterPubSubConnection<String, byte[]> connection =
                pubSubClient.connectPubSubAsync(StandaloneTopology.PUBSUB_CODEC)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        connection.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, String channel, byte[] message) {
                sink.onMessage(channel, message);
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, String channel, long count) {
                sink.onUnsubscribed(channel);
            }
        });
        ClusterLink l = new ClusterLink(connection, sink);
        link = l;
        return l;
    }

    @Override
    public List<String> probeChannels(String base) {
        StatefulRedisClusterConnection<String, String> c = commands;
        if (c == null) {
            return List.of(base + ":{0}");
        }
        List<String> channels = new ArrayList<>();
        for (RedisClusterNode node : c.getPartitions()) {
            if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.getSlots().isEmpty()) {
                continue;
            }
            for (int tag = 0; tag < 100_000; tag++) {
                String channel = base + ":{" + tag + "}";
                if (node.hasSlot(SlotHash.getSlot(channel))) {
                    channels.add(channel);
                    break;
                }
            }
        }
        return channels.isEmpty() ? List.of(base + ":{0}") : channels;
    }

    @Override
    public CompletableFuture<Long> publish(String channel, String payload) {
        return commands().spublish(channel, payload).toCompletableFuture();
    }

    @Override
    public void close() {
        topologyEvents.dispose();
        // shutting the clients down closes every connection they made, links included
        ClientShutdown.await(commandClient.shutdownAsync(0, 2, TimeUnit.SECONDS),
                pubSubClient.shutdownAsync(0, 2, TimeUnit.SECONDS));
    }

    private static final class ClusterLink implements PubSubLink {
        private final StatefulRedisClusterPubSubConnection<String, byte[]> connection;
        private final PubSubLink.Sink sink;
        private final Set<Object> nodeConnections = ConcurrentHashMap.newKeySet();
        private volatile boolean broken;

        ClusterLink(StatefulRedisClusterPubSubConnection<String, byte[]> connection, PubSubLink.Sink sink) {
            this.connection = connection;
            this.sink = sink;
            nodeConnections.add(connection);
        }

        boolean owns(Object handler) {
            return nodeConnections.contains(handler);
        }

        void lost() {
            if (!broken) {
                broken = true;
                sink.onLinkLost();
            }
        }

        private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> ownerOf(String channel) {
            RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
            if (master == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("no master serves the slot of " + channel));
            }
            return connection.getConnectionAsync(master.getNodeId()).thenApply(node -> {
                nodeConnections.add(node);
                if (!node.isOpen()) {
                    lost();
                }
                return node;
            });
        }

        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            return ownerOf(channel).thenCompose(node -> node.async().ssubscribe(channel));
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String channel) {
            return ownerOf(channel).thenCompose(node -> node.async().sunsubscribe(channel));
        }

        @Override
        public boolean isOpen() {
            return !broken && connection.isOpen();
        }

        @Override
        public void markBroken() {
            broken = true;
        }

        @Override
        public void close() {
            broken = true;
            connection.closeAsync();
        }
    }
}

package io.rtgw.pubsub;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Redis, addressed directly or through Sentinel (Lettuce follows the master on failover).
 * Two clients: commands reconnect automatically (they hold no state), pub/sub does not (the
 * broker rebuilds the link so that it knows exactly what is subscribed).
 */
final class StandaloneTopology implements RedisTopology {
    static final RedisCodec<String, byte[]> PUBSUB_CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisURI uri;
    private final RedisClient commandClient;
    private final RedisClient pubSubClient;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StandaloneLink link;

    StandaloneTopology(RedisURI uri, ClientResources resources, ClientResources pubSubResources, Duration commandTimeout,
                       Events events) {
        this.uri = uri;
        commandClient = RedisClient.create(resources, uri);
        commandClient.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        commandClient.addListener(new CommandConnectionWatch(connection -> connection == commands, events));
        pubSubClient = RedisClient.create(pubSubResources, uri);
        pubSubClient.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        pubSubClient.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                StandaloneLink l = link;
                if (l != null && l.connection == connection) {
                    l.lost();
                }
            }
        });
    }

    @Override
    public boolean cluster() {
        return false;
    }

    @Override
    public synchronized void connectCommands(Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("connecting to Redis");
        if (commands == null) {
            commands = commandClient.connectAsync(StringCodec.UTF8, uri).toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public BatchConnection connectBatch(Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("connecting to Redis");
        StatefulRedisConnection<String, String> c = commandClient.connectAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new BatchConnection(c, c.async());
    }

    @Override
    public synchronized void resetCommands() {
        StatefulRedisConnection<String, String> c = commands;
        commands = null;
        if (c != null) {
            c.closeAsync();
        }
    }

    @Override
    public boolean commandsOpen() {
        StatefulRedisConnection<String, String> c = commands;
        return c != null && c.isOpen();
    }

    @Override
    public RedisClusterAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = commands;
        if (c == null) {
            throw new IllegalStateException("not connected to Redis");
        }
        return c.async();
    }

    @Override
    public void loadFunction(String code, Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("loading the function library");
        FunctionLibrary.loadUnlessNewer(commands(), code).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public PubSubLink openPubSub(PubSubLink.Sink sink, Duration timeout) throws Exception {
        LoopGuard.refuseOnEventLoop("opening the pub/sub link");
        StatefulRedisPubSubConnection<String, byte[]> connection = pubSubClient.connectPubSubAsync(PUBSUB_CODEC, uri)
                .toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                sink.onMessage(channel, message);
            }
        });
        StandaloneLink l = new StandaloneLink(connection, sink);
        link = l;
        if (!connection.isOpen()) {
            l.lost();
        }
        return l;
    }

    @Override
    public List<String> probeChannels(String base) {
        return List.of(base);
    }

    @Override
    public CompletableFuture<Long> publish(String channel, String payload) {
        return commands().publish(channel, payload).toCompletableFuture();
    }

    @Override
    public void close() {
        // shutting the clients down closes every connection they made, links included
        ClientShutdown.await(commandClient.shutdownAsync(0, 2, TimeUnit.SECONDS),
                pubSubClient.shutdownAsync(0, 2, TimeUnit.SECONDS));
    }

    private static final class StandaloneLink implements PubSubLink {
        final StatefulRedisPubSubConnection<String, byte[]> connection;
        private final PubSubLink.Sink sink;
        private volatile boolean broken;

        StandaloneLink(StatefulRedisPubSubConnection<String, byte[]> connection, PubSubLink.Sink sink) {
            this.connection = connection;
            this.sink = sink;
        }

        void lost() {
            if (!broken) {
                broken = true;
                sink.onLinkLost();
            }
        }

        @Override
        public CompletableFuture<Void> subscribe(String channel) {
            return connection.async().subscribe(channel).toCompletableFuture();
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String channel) {
            return connection.async().unsubscribe(channel).toCompletableFuture();
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

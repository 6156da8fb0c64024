package io.rtgw.pubsub;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What differs between one Redis (plain or Sentinel-managed) and a Redis Cluster. */
interface RedisTopology extends AutoCloseable {

    boolean cluster();

    /** Connects the command connection if it is not yet; Lettuce reconnects it afterwards. */
    void connectCommands(Duration timeout) throws Exception;

    boolean commandsOpen();

    /**
     * Drops the command connection so the next {@link #connectCommands} opens a fresh one: for a
     * connection that is open but no longer answers, which Lettuce never reconnects by itself.
     */
    void resetCommands();

    RedisClusterAsyncCommands<String, String> commands();

    /**
     * Opens one more command connection, for {@link BatchedWrites} only (it turns auto-flush off,
     * which would hold back every other user of a shared connection).
     */
    BatchConnection connectBatch(Duration timeout) throws Exception;

    /** A connection and its commands (the two types differ between one Redis and a Cluster). */
    record BatchConnection(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> commands) {
    }

    /** FUNCTION LOAD REPLACE on every master. */
    void loadFunction(String code, Duration timeout) throws Exception;

    PubSubLink openPubSub(PubSubLink.Sink sink, Duration timeout) throws Exception;

    /**
     * Channels that together cross every pub/sub connection of a link: one for a single Redis,
     * one per master on Cluster (each hashed into a slot that master serves), so a silent
     * connection to any shard is noticed.
     */
    List<String> probeChannels(String base);

    /** PUBLISH, or SPUBLISH on Cluster, where the node listens with SSUBSCRIBE. */
    CompletableFuture<Long> publish(String channel, String payload);

    @Override
    void close();

    /** Told about the command connection's life, so the function is reloaded on every reconnect. */
    interface Events {
        void commandsConnected();

        void commandsDisconnected();

        void topologyChanged();
    }
}

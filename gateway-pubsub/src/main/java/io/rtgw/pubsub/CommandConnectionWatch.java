package io.rtgw.pubsub;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.util.function.Predicate;

/**
 * Reports the ups and downs of the connections commands go through — and only those: the same
 * Lettuce client also opens short-lived connections (Sentinel lookups, Cluster topology
 * refreshes) whose comings and goings must not flap the broker down and up.
 */
final class CommandConnectionWatch implements RedisConnectionStateListener {
    private final Predicate<RedisChannelHandler<?, ?>> ours;
    private final RedisTopology.Events events;

    CommandConnectionWatch(Predicate<RedisChannelHandler<?, ?>> ours, RedisTopology.Events events) {
        this.ours = ours;
        this.events = events;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        if (ours.test(connection)) {
            events.commandsConnected();
        }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (ours.test(connection)) {
            events.commandsDisconnected();
        }
    }
}

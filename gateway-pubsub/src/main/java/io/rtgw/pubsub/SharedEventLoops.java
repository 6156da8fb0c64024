package io.rtgw.pubsub;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Lends Lettuce event loops it does not own: the node's own, so that a session, the Redis
 * connection its publications go through and the lane that hands it the reply are one thread
 * when the node has one core. Lettuce releases and shuts down its groups when a client or its
 * resources close; here both are no-ops, because the node stops its loops itself, last.
 *
 * <p>Lettuce asks for a group by class (in 7.x {@code MultiThreadIoEventLoopGroup} for every
 * transport) and picks the socket channel type on its own; {@link RedisResources} lends the
 * loops only when that type is the one the loops' IoHandler serves.
 */
final class SharedEventLoops implements EventLoopGroupProvider {
    private final EventLoopGroup loops;
    private final int size;

    SharedEventLoops(EventLoopGroup loops) {
        this.loops = loops;
        int n = 0;
        for (var ignored : loops) {
            n++;
        }
        this.size = n;
    }

    EventLoopGroup loops() {
        return loops;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        // Lettuce only stores the group as an EventLoopGroup and hands it to its Bootstrap
        return (T) loops;
    }

    @Override
    public int threadPoolSize() {
        return size;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
        return done();
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
        return done();
    }

    private static Future<Boolean> done() {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(Boolean.TRUE);
    }
}

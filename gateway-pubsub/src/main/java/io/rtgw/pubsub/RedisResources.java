package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce event loops, timers and reconnect policy of a process. Each set costs threads and
 * a HashedWheelTimer, so a node creates one and hands it to every Redis user (the broker, the
 * control plane, presence) through their configs, then shuts it down with {@link #shutdown}
 * after all of them have closed.
 *
 * <p>{@link #pubSubOn} lends the node's own event loops to the pub/sub connections of a broker
 * ({@code RTGW_REDIS_IO=shared}): a message from Redis then reaches its subscribers without a
 * hand-off between Lettuce's threads and the node's. Commands (publishes, history reads) stay on
 * Lettuce's loops: their replies must not wait behind the fan-out those loops are writing. Code
 * that may run on the node's loops must never wait for a Redis reply ({@link LoopGuard}).
 */
public final class RedisResources {
    private static final Logger log = LoggerFactory.getLogger(RedisResources.class);

    private RedisResources() {
    }

    /** Lettuce's own event loops: every Redis user's commands, and with {@code RTGW_REDIS_IO=own} everything. */
    public static ClientResources create() {
        return builder().build();
    }

    /**
     * Resources for a broker's pub/sub connections that run them on {@code loops}, sharing every
     * other part (timer, computation threads, event bus, reconnect policy) with {@code commands}
     * and leaving the loops running when they shut down (their owner stops them, after the Redis
     * users have closed). Shut these down before {@code commands}.
     *
     * <p>Measured (docs/performance.md, "Issue 17, round 3"): with the commands on the node's loops
     * too, a publish's reply was read only after the fan-out queued ahead of it, so a publisher that
     * waits for its answer (one request in flight) published one request per loop turn, every
     * turn's writes left one message per connection, and a saturated one-core node fell from
     * 100k to 10k deliveries/s.
     *
     * <p>Lettuce chooses its socket type itself (native epoll where available, unless
     * {@code -Dio.lettuce.core.epoll=false}); when that is not the type the loops serve
     * ({@code socketChannel}, e.g. the node runs NIO with {@code -Drtgw.nio=true} while Lettuce
     * would use epoll), the pub/sub connections stay on Lettuce's loops: empty.
     */
    public static Optional<ClientResources> pubSubOn(ClientResources commands, EventLoopGroup loops,
                                                     Class<? extends Channel> socketChannel) {
        Class<? extends Channel> lettuces = Transports.socketChannelClass();
        if (!lettuces.equals(socketChannel)) {
            log.info("Redis connections use {} but the node's event loops serve {}; Lettuce keeps event loops of its own",
                    lettuces.getSimpleName(), socketChannel.getSimpleName());
            return Optional.empty();
        }
        // given, not mutate()d: a mutated copy takes over shutting down what it was copied from
        return Optional.of(builder()
                .eventLoopGroupProvider(new SharedEventLoops(loops))
                .eventExecutorGroup(commands.eventExecutorGroup())
                .timer(commands.timer())
                .eventBus(commands.eventBus())
                .commandLatencyRecorder(commands.commandLatencyRecorder())
                .build());
    }

    /** The node's loops these resources lend Lettuce, if they were made by {@link #pubSubOn}. */
    public static Optional<EventLoopGroup> sharedLoops(ClientResources resources) {
        return resources.eventLoopGroupProvider() instanceof SharedEventLoops shared
                ? Optional.of(shared.loops()) : Optional.empty();
    }

    /** Reconnects quickly (50 ms, doubling to 2 s): clients are waiting for the backfill that follows. */
    private static DefaultClientResources.Builder builder() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
    }

    /**
     * Stops the threads, giving work in flight at most two seconds, and waits for that: on the
     * exit path nothing else would, and the JVM may halt in the middle of a connection's close.
     */
    public static void shutdown(ClientResources resources) {
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce event loops, timers and reconnect policy of a process. Each set costs threads and
 * a HashedWheelTimer, so a node creates one with {@link #create()} and hands it to every Redis
 * user (the broker, and later the control plane and presence) through their configs, then shuts
 * it down with {@link #shutdown} after all of them have closed.
 */
public final class RedisResources {
    private RedisResources() {
    }

    /** Reconnects quickly (50 ms, doubling to 2 s): clients are waiting for the backfill that follows. */
    public static ClientResources create() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
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

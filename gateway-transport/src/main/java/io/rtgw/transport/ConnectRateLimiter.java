package io.rtgw.transport;

import io.rtgw.core.TokenBucket;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** New connections per second per client address; idle addresses are forgotten. */
public final class ConnectRateLimiter {
    private static final int FORGET_AFTER_ENTRIES = 100_000;
    private final double ratePerSecond;
    private final Map<InetAddress, TokenBucket> buckets = new ConcurrentHashMap<>();

    public ConnectRateLimiter(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    public boolean tryAcquire(InetAddress client, long nowNanos) {
        if (ratePerSecond <= 0) {
            return true;
        }
        if (buckets.size() > FORGET_AFTER_ENTRIES) {
            // Bounded memory under an address-spraying flood: start over rather than grow.
            buckets.clear();
        }
        TokenBucket bucket = buckets.computeIfAbsent(client,
                a -> new TokenBucket(ratePerSecond, Math.max(1, ratePerSecond), nowNanos));
        synchronized (bucket) {
            return bucket.tryTake(nowNanos);
        }
    }
}

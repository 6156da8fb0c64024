package io.rtgw.pubsub;

import io.rtgw.core.control.ControlListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Nodes with a presence store each, on one Redis, and a clock the test moves. */
final class PresenceStores {
    private PresenceStores() {
    }

    static final ControlListener IGNORE = command -> CompletableFuture.completedFuture(0);

    static RedisControlPlane node(String url, String prefix, String nodeId, Clock clock) throws Exception {
        RedisControlPlane plane = new RedisControlPlane(TestBrokers.config(url, null).keyPrefix(prefix)
                .probeTimeout(Duration.ofSeconds(1)).build(), Duration.ofSeconds(1), Duration.ofHours(24),
                Duration.ZERO, clock);
        plane.start(nodeId, IGNORE).get(30, TimeUnit.SECONDS);
        return plane;
    }

    /** A wall clock that moves only when told: lease expiry without waiting for it. */
    static final class MovableClock extends Clock {
        private volatile long millis = System.currentTimeMillis();

        void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

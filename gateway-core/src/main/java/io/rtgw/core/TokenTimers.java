package io.rtgw.core;

import io.rtgw.core.ServerMessage.Expiring;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection never outlives its token (docs/protocol.md §3): the {@code expiring} warning ahead
 * of {@code exp}, then the close at {@code exp} + skew. One pending task per connection at a time
 * (each idle connection holds it), re-armed by a refresh; on the connection's executor only.
 */
final class TokenTimers {
    private final Connection connection;
    private final Duration skew;
    private final Duration lead;
    private ScheduledFuture<?> next;
    private boolean stopped;

    TokenTimers(Connection connection, Duration skew, Duration lead) {
        this.connection = connection;
        this.skew = skew;
        this.lead = lead;
    }

    /** (Re)starts the timers for a token expiring at {@code expiresAt} (Unix seconds; 0: never). */
    void arm(ClientIdentity identity) {
        cancel();
        if (stopped || !identity.expires()) {
            return;
        }
        long expMillis = identity.expiresAt() * 1000L;
        if (lead.isZero()) {
            armExpiry(expMillis);
            return;
        }
        long warnMillis = expMillis - lead.toMillis();
        next = connection.executor().schedule(() -> {
            connection.send(new Expiring(Math.max(0, (expMillis - System.currentTimeMillis()) / 1000)));
            armExpiry(expMillis);
        }, Math.max(0, warnMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private void armExpiry(long expMillis) {
        if (stopped) {
            return;
        }
        long endMillis = expMillis + skew.toMillis();
        next = connection.executor().schedule(() -> connection.close(DisconnectReason.TOKEN_EXPIRED),
                Math.max(0, endMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        cancel();
    }

    private void cancel() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}

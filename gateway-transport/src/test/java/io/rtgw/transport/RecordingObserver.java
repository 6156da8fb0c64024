package io.rtgw.transport;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Remembers the hooks that tests assert on. */
final class RecordingObserver implements GatewayObserver {
    final List<DisconnectReason> closes = new CopyOnWriteArrayList<>();
    final List<AuthFailure> authFailures = new CopyOnWriteArrayList<>();
    final AtomicInteger parseErrors = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();

    @Override
    public void connectionOpened(Transport transport) {
        opened.incrementAndGet();
    }

    @Override
    public void connectionClosed(Transport transport, ClientIdentity identity, DisconnectReason reason,
                                 long durationNanos, long messagesSent) {
        closes.add(reason);
    }

    @Override
    public void authFailure(AuthFailure reason) {
        authFailures.add(reason);
    }

    @Override
    public void parseError(Transport transport) {
        parseErrors.incrementAndGet();
    }
}

package io.rtgw.metrics;

import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Passes every hook to several observers in order (metrics, close logging, tests...). The core
 * takes one observer; this keeps it that way.
 *
 * <p>Exceptions are not caught: observers must not throw, and hiding a broken one would be worse
 * than the caller seeing it. Loops run over an array, so fanning out allocates nothing.
 */
public final class CompositeObserver implements GatewayObserver {
    private final GatewayObserver[] observers;

    private CompositeObserver(GatewayObserver[] observers) {
        this.observers = observers;
    }

    /**
     * The observer to hand to the core: {@link GatewayObserver#NOOP} for none, the observer itself
     * for one, else a composite. Nested composites are flattened and NOOPs dropped.
     */
    public static GatewayObserver of(GatewayObserver... observers) {
        List<GatewayObserver> flat = new ArrayList<>();
        for (GatewayObserver o : observers) {
            Objects.requireNonNull(o, "observer");
            if (o instanceof CompositeObserver c) {
                flat.addAll(List.of(c.observers));
            } else if (o != GatewayObserver.NOOP) {
                flat.add(o);
            }
        }
        if (flat.isEmpty()) {
            return GatewayObserver.NOOP;
        }
        return flat.size() == 1 ? flat.get(0) : new CompositeObserver(flat.toArray(new GatewayObserver[0]));
    }

    @Override
    public void connectionOpened(Transport transport) {
        for (GatewayObserver o : observers) {
            o.connectionOpened(transport);
        }
    }

    @Override
    public void connectionClosed(Transport transport, ClientIdentity identity, DisconnectReason reason,
                                 long durationNanos, long messagesSent) {
        for (GatewayObserver o : observers) {
            o.connectionClosed(transport, identity, reason, durationNanos, messagesSent);
        }
    }

    @Override
    public void published(String source) {
        for (GatewayObserver o : observers) {
            o.published(source);
        }
    }

    @Override
    public void delivered(Transport transport, Publication publication) {
        for (GatewayObserver o : observers) {
            o.delivered(transport, publication);
        }
    }

    @Override
    public void messageReceived(Transport transport) {
        for (GatewayObserver o : observers) {
            o.messageReceived(transport);
        }
    }

    @Override
    public void replayed(int messages) {
        for (GatewayObserver o : observers) {
            o.replayed(messages);
        }
    }

    @Override
    public void gap() {
        for (GatewayObserver o : observers) {
            o.gap();
        }
    }

    @Override
    public void historyRead() {
        for (GatewayObserver o : observers) {
            o.historyRead();
        }
    }

    @Override
    public void resumedFromMemory() {
        for (GatewayObserver o : observers) {
            o.resumedFromMemory();
        }
    }

    @Override
    public void positionCheck() {
        for (GatewayObserver o : observers) {
            o.positionCheck();
        }
    }

    @Override
    public void authFailure(AuthFailure reason) {
        for (GatewayObserver o : observers) {
            o.authFailure(reason);
        }
    }

    @Override
    public void parseError(Transport transport) {
        for (GatewayObserver o : observers) {
            o.parseError(transport);
        }
    }

    @Override
    public void sendFailure(Transport transport) {
        for (GatewayObserver o : observers) {
            o.sendFailure(transport);
        }
    }

    @Override
    public void subscriptionsChanged(int delta) {
        for (GatewayObserver o : observers) {
            o.subscriptionsChanged(delta);
        }
    }

    @Override
    public void brokerState(boolean up) {
        for (GatewayObserver o : observers) {
            o.brokerState(up);
        }
    }

    @Override
    public void presenceError() {
        for (GatewayObserver o : observers) {
            o.presenceError();
        }
    }
}

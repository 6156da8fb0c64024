package io.rtgw.server.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.core.control.ControlPlane;
import io.rtgw.core.events.ConnectionEvents;
import io.rtgw.core.events.QueuedSink;
import io.rtgw.server.config.EventSettings;
import io.rtgw.server.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;

/** Builds a node's connection events (docs/protocol.md §10) from its configuration. */
public final class EventsWiring {
    /** Events per POST or XADD pipeline: big enough to amortise a round trip, small enough to retry whole. */
    static final int MAX_BATCH = 500;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private EventsWiring() {
    }

    /**
     * @param plane  the control plane: where the fleet state and the streams live (its Redis connection)
     * @param nodeId the node's id, as in {@code GET /api/info}
     */
    public static ConnectionEvents create(GatewayConfig config, ControlPlane plane, String nodeId,
                                          MeterRegistry registry) {
        EventSettings s = config.events();
        if (!s.on()) {
            return ConnectionEvents.OFF;
        }
        EventMetrics counters = new EventMetrics(registry);
        QueuedSink.Delivery delivery = switch (s.mode()) {
            case REDIS -> plane.eventStreams(s.maxLen()).orElseThrow(() -> new IllegalStateException(
                    "RTGW_EVENTS=redis needs the Redis broker (RTGW_REDIS_URL)"));
            case WEBHOOK -> new WebhookDelivery(s.url().orElseThrow(), s.secret().orElseThrow());
            case OFF -> throw new IllegalStateException("unreachable");
        };
        QueuedSink sink = new QueuedSink(s.mode().name().toLowerCase(java.util.Locale.ROOT), s.queue(), MAX_BATCH,
                FIRST_BACKOFF, MAX_BACKOFF, delivery, counters);
        // The lease interval is presence's (docs/protocol.md §9): a dead node is recovered within 3 of them.
        Duration interval = config.control().presenceInterval();
        ConnectionEvents.Settings settings = new ConnectionEvents.Settings(s.types(), s.grace(), interval,
                namespace -> config.namespace(namespace).events());
        return new ConnectionEvents(nodeId, settings, plane.fleetState(nodeId, interval), sink, counters,
                Clock.systemUTC());
    }
}

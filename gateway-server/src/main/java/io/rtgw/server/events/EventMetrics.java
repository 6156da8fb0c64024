package io.rtgw.server.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.core.events.EventCounters;
import io.rtgw.core.events.EventType;

/** The metrics of docs/operations.md for connection events; counters built once, none looked up per event. */
public final class EventMetrics implements EventCounters {
    private final Counter[] emitted = new Counter[EventType.values().length];
    private final Counter dropped;
    private final Counter deliveryFailures;
    private final Counter stateErrors;

    public EventMetrics(MeterRegistry registry) {
        for (EventType t : EventType.values()) {
            emitted[t.ordinal()] = Counter.builder("rtgw.events").tag("type", t.wire())
                    .description("Connection events produced for the app (docs/protocol.md §10)").register(registry);
        }
        dropped = Counter.builder("rtgw.events.dropped")
                .description("Events lost because the bounded queue was full").register(registry);
        deliveryFailures = Counter.builder("rtgw.events.delivery.failures")
                .description("Event deliveries (POST or XADD batch) that failed and were retried").register(registry);
        stateErrors = Counter.builder("rtgw.events.state.errors")
                .description("Writes of the fleet-wide online/occupied state that failed").register(registry);
    }

    @Override
    public void emitted(EventType type) {
        emitted[type.ordinal()].increment();
    }

    @Override
    public void dropped() {
        dropped.increment();
    }

    @Override
    public void deliveryFailed() {
        deliveryFailures.increment();
    }

    @Override
    public void stateError() {
        stateErrors.increment();
    }
}

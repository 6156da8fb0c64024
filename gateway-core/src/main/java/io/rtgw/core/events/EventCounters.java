package io.rtgw.core.events;

/** The metrics of events (docs/operations.md): cheap, non-blocking, any thread. */
public interface EventCounters {
    EventCounters NOOP = new EventCounters() {
    };

    /** An event was produced (and queued for delivery). */
    default void emitted(EventType type) {
    }

    /** An event did not fit the bounded queue and is lost ({@code rtgw_events_dropped_total}). */
    default void dropped() {
    }

    /** A delivery attempt failed and will be retried ({@code rtgw_events_delivery_failures_total}). */
    default void deliveryFailed() {
    }

    /** A fleet-state write (counts, leases, claims) failed ({@code rtgw_events_state_errors_total}). */
    default void stateError() {
    }
}

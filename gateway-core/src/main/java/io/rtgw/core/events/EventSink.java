package io.rtgw.core.events;

/**
 * Where events go (docs/protocol.md §10). {@link #emit} is called on any thread, including event
 * loops: it must never block, only queue (a bounded queue: an event that does not fit is dropped
 * and counted in {@link EventCounters#dropped()}).
 */
public interface EventSink extends AutoCloseable {
    EventSink NONE = new EventSink() {
        @Override
        public void emit(AppEvent event) {
        }

        @Override
        public void close() {
        }
    };

    void emit(AppEvent event);

    /** Sends what is queued, for a short while at most, then stops. */
    @Override
    void close();
}

package io.rtgw.server;

import java.util.List;

/**
 * One client of the fault suite, reduced to what delivery guarantees are about: what it saw of
 * one channel, in arrival order (docs/protocol.md §5).
 */
interface WatchedClient extends AutoCloseable {

    /**
     * A message (its id, and its data as JSON text: what tells publications apart even where
     * ids do not) or a gap notice.
     */
    record Seen(boolean gap, String id, String data) {
        static Seen message(String id, String data) {
            return new Seen(false, id, data);
        }

        static Seen gapNotice() {
            return new Seen(true, null, null);
        }

        @Override
        public String toString() {
            return gap ? "gap" : id + " " + data;
        }
    }

    /** e.g. {@code websocket@node1}, for assertion messages. */
    String name();

    /** A snapshot of what arrived so far. */
    List<Seen> seen();

    /** The subscription is confirmed: {@code subscribed}, {@code rtgw.connected}, or a poll answered with a cursor. */
    boolean confirmed();

    /** Answers that refused or failed the subscription (an {@code error}, an {@code rtgw.close}, a non-200 poll). */
    List<String> refusals();

    default boolean received(String id) {
        return seen().stream().anyMatch(s -> id.equals(s.id()));
    }

    @Override
    void close();
}

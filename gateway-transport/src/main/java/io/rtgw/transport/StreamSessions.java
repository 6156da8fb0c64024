package io.rtgw.transport;

import io.rtgw.core.ClientSession;
import io.rtgw.core.StreamPosition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts the session of an SSE or long-poll stream: every channel resumed from the cursor. */
final class StreamSessions {
    /**
     * Given as {@code since} for every channel when the cursor is unreadable: an id that does not
     * parse makes the session announce a gap, which is the answer docs/protocol.md §4.3 asks for.
     */
    static final String UNREADABLE = "unreadable-cursor";

    private StreamSessions() {
    }

    /**
     * Where each channel resumes: after its cursor position; live when the cursor has none for it
     * or there is no cursor; with a gap when the cursor is unreadable.
     */
    static Map<String, String> sinceByChannel(List<String> channels, String cursorText) {
        Map<String, String> since = new HashMap<>();
        if (cursorText == null) {
            return since;
        }
        Cursor given = Cursor.decode(cursorText, channels);
        for (int i = 0; i < channels.size(); i++) {
            StreamPosition p = given == null ? null : given.position(i);
            since.put(channels.get(i), given == null ? UNREADABLE : p == null ? null : p.toString());
        }
        return since;
    }

    /** Starts {@code session}: its automatic channels and the stream's, each resumed from the cursor. */
    static void start(ClientSession session, List<String> channels, Map<String, String> since) {
        session.startStream(channels, since);
    }
}

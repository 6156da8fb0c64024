package io.rtgw.core;

/**
 * The rules for an app-chosen event name, wherever a publication enters: 1-128 characters, no
 * control characters (an SSE {@code event:} line must stay one line), and not the reserved
 * {@code rtgw.} prefix, so no publisher can forge the gateway's own events.
 */
public final class EventName {
    public static final int MAX_LENGTH = 128;
    public static final String RESERVED_PREFIX = "rtgw.";

    private EventName() {
    }

    /** Null when the name is acceptable, else a sentence for the publisher. */
    public static String problem(String event) {
        if (event.isEmpty() || event.length() > MAX_LENGTH) {
            return "event must be 1-" + MAX_LENGTH + " characters";
        }
        if (event.startsWith(RESERVED_PREFIX)) {
            return "event names starting with '" + RESERVED_PREFIX + "' are reserved";
        }
        for (int i = 0; i < event.length(); i++) {
            if (Character.isISOControl(event.charAt(i))) {
                return "event must not contain control characters";
            }
        }
        return null;
    }
}

package io.rtgw.core.events;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The event types of docs/protocol.md §10; {@link #wire()} is the {@code type} field and the metric label. */
public enum EventType {
    ONLINE, OFFLINE, CONNECT, DISCONNECT, OCCUPIED, VACATED;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** A comma-separated list of wire names ({@code online,offline}); empty or {@code all} = every type. */
    public static Set<EventType> parseList(String list) {
        if (list == null || list.isBlank() || list.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(EventType.class);
        }
        Set<EventType> out = EnumSet.noneOf(EventType.class);
        for (String part : list.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            EventType found = null;
            for (EventType t : values()) {
                if (t.wire.equals(p)) {
                    found = t;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown event type '" + part.trim()
                        + "' (expected: online, offline, connect, disconnect, occupied, vacated)");
            }
            out.add(found);
        }
        return out;
    }
}

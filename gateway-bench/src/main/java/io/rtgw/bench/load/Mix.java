package io.rtgw.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The share of each transport, e.g. {@code ws:2,sse:1,poll:1}: client {@code g} gets the
 * transport at position {@code g mod total} of the weighted list, so any slice of consecutive
 * clients (one worker's) has the same mix as the whole.
 */
public final class Mix {
    private final List<String> slots;

    private Mix(List<String> slots) {
        this.slots = slots;
    }

    public static Mix parse(String spec) {
        List<String> slots = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split(":");
            String t = kv[0];
            if (!List.of("ws", "sse", "poll").contains(t)) {
                throw new IllegalArgumentException("--mix: unknown transport " + t + " (ws, sse, poll)");
            }
            int weight = kv.length > 1 ? Integer.parseInt(kv[1]) : 1;
            for (int i = 0; i < weight; i++) {
                slots.add(t);
            }
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("--mix: no transport with a weight above 0");
        }
        return new Mix(slots);
    }

    public boolean onlyWebSocket() {
        return slots.stream().allMatch("ws"::equals);
    }

    public String transportOf(int clientIndex) {
        return slots.get(clientIndex % slots.size());
    }

    /** How many of {@code n} clients use {@code transport}. */
    public int count(String transport, int n) {
        int c = 0;
        for (int g = 0; g < n; g++) {
            if (transportOf(g).equals(transport)) {
                c++;
            }
        }
        return c;
    }
}

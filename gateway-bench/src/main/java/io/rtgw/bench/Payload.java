package io.rtgw.bench;

/**
 * The benchmark's message body: {@code {"bt":<send nanoTime>,"bc":<channel>,"bs":<seq>,"bk":<step>}}
 * plus optional padding. The send time travels in the payload so latency needs no clock sync
 * (System.nanoTime is CLOCK_MONOTONIC, one clock for every process of the host; loopback only).
 *
 * <p>Receivers scan raw bytes for the four keys instead of parsing JSON: the load generator must
 * stay cheap at a million deliveries a second, and the same scan works on every wire format
 * (our WebSocket item, our SSE data line, Nchan's raw body), since the body is embedded verbatim.
 */
public final class Payload {
    public static final int TIME = 0;
    public static final int CHANNEL = 1;
    public static final int SEQ = 2;
    public static final int STEP = 3;

    private Payload() {
    }

    public static String json(long sendNanos, int channel, long seq, int step, String padding) {
        StringBuilder b = new StringBuilder(80 + padding.length());
        b.append("{\"bt\":").append(sendNanos).append(",\"bc\":").append(channel)
                .append(",\"bs\":").append(seq).append(",\"bk\":").append(step);
        if (!padding.isEmpty()) {
            b.append(",\"bp\":\"").append(padding).append('"');
        }
        return b.append('}').toString();
    }

    /**
     * Fills {@code out[TIME..STEP]} from the first occurrence of each key in {@code bytes[from, to)}.
     *
     * @return true when all four were found
     */
    public static boolean scan(byte[] bytes, int from, int to, long[] out) {
        int found = 0;
        for (int i = from; i + 5 < to && found != 0b1111; i++) {
            if (bytes[i] != '"' || bytes[i + 1] != 'b' || bytes[i + 3] != '"' || bytes[i + 4] != ':') {
                continue;
            }
            int slot = switch (bytes[i + 2]) {
                case 't' -> TIME;
                case 'c' -> CHANNEL;
                case 's' -> SEQ;
                case 'k' -> STEP;
                default -> -1;
            };
            if (slot < 0 || (found & (1 << slot)) != 0) {
                continue;
            }
            int j = i + 5;
            boolean negative = j < to && bytes[j] == '-';
            if (negative) {
                j++;
            }
            long v = 0;
            int digits = 0;
            while (j < to && bytes[j] >= '0' && bytes[j] <= '9') {
                v = v * 10 + (bytes[j] - '0');
                j++;
                digits++;
            }
            if (digits > 0) {
                out[slot] = negative ? -v : v;
                found |= 1 << slot;
                i = j - 1;
            }
        }
        return found == 0b1111;
    }

    /** The string value of {@code "key":"…"} (no escapes expected in ids), or null. */
    public static String stringField(byte[] bytes, int from, int to, String key) {
        byte[] k = ("\"" + key + "\":\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i + k.length < to; i++) {
            for (int j = 0; j < k.length; j++) {
                if (bytes[i + j] != k[j]) {
                    continue outer;
                }
            }
            int start = i + k.length;
            for (int e = start; e < to; e++) {
                if (bytes[e] == '"') {
                    return new String(bytes, start, e - start, java.nio.charset.StandardCharsets.US_ASCII);
                }
            }
            return null;
        }
        return null;
    }

    /** True when {@code bytes[from, to)} contains {@code needle} (ASCII). */
    public static boolean contains(byte[] bytes, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

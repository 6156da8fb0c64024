package io.rtgw.core;

/**
 * A replay id: the channel's history epoch plus a per-channel offset that only grows within an
 * epoch. Clients treat the text form as opaque; an offset from another epoch can never be
 * compared with the current one, which is what turns a history reset into a gap notice instead
 * of a silent hole or a replay of unrelated messages.
 *
 * <p>Text form: {@code <offset>.<epoch>} with a decimal offset and an epoch of 1-16 of
 * {@code 0-9 a-z}.
 */
public record StreamPosition(String epoch, long offset) {
    public static final int MAX_EPOCH_LENGTH = 16;

    public StreamPosition {
        if (!isValidEpoch(epoch)) {
            throw new IllegalArgumentException("epoch: " + epoch + " (expected: 1-16 of 0-9 a-z)");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
    }

    /** The position of a channel in this epoch before its first message. */
    public static StreamPosition start(String epoch) {
        return new StreamPosition(epoch, 0);
    }

    /** @return the position, or null when the text is not one (callers answer with a gap) */
    public static StreamPosition parse(String text) {
        if (text == null) {
            return null;
        }
        int dot = text.indexOf('.');
        if (dot < 1 || dot > 19) {
            return null;
        }
        long offset = 0;
        for (int i = 0; i < dot; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            offset = offset * 10 + (c - '0');
            if (offset < 0) {
                return null;
            }
        }
        String epoch = text.substring(dot + 1);
        return isValidEpoch(epoch) ? new StreamPosition(epoch, offset) : null;
    }

    public static boolean isValidEpoch(String epoch) {
        if (epoch == null || epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < epoch.length(); i++) {
            char c = epoch.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    public boolean sameEpoch(StreamPosition other) {
        return other != null && epoch.equals(other.epoch);
    }

    public StreamPosition next() {
        return new StreamPosition(epoch, offset + 1);
    }

    @Override
    public String toString() {
        return offset + "." + epoch;
    }
}

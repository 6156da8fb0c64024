package io.rtgw.transport;

import io.rtgw.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The position of every channel of one SSE or long-poll stream, as one opaque token that fits an
 * {@code id:} line, a {@code Last-Event-ID} header and a URL without escaping.
 *
 * <p>Text form: {@code 1} (version), six base-36 characters of a check value over the channel
 * names, then per channel, in the stream's order, {@code _} and its position: a base-36 offset,
 * followed by {@code .<epoch>} only when the epoch differs from the previous channel's (the
 * embedded broker uses one epoch for all channels, so it is written once), or nothing when the
 * position is unknown. Channels are never named: that is what keeps 64 channels under 2 KiB
 * (worst case, 64 different 16-character epochs and maximal offsets: 1991 characters).
 *
 * <p>The check value covers the channels the cursor has positions for and the positions
 * themselves, so a truncated or edited token is caught as well as one from another stream. A
 * cursor made for a list that is a prefix of the current one stays valid (channels added at the
 * end start live); any other is unreadable, which callers answer with a gap on every channel.
 */
final class Cursor {
    static final int MAX_CHANNELS = 64;
    private static final char VERSION = '1';
    private static final int CHECK_LENGTH = 6;
    private static final int CHECK_MASK = (1 << 30) - 1; // 36^6 > 2^30: always fits six characters

    private final List<String> channels;
    /** Computed once: a stream's cursor is encoded again for every message it delivers. */
    private final long namesCrc;
    private final StreamPosition[] positions;
    private String text;

    /** A cursor for {@code channels} with every position unknown. */
    Cursor(List<String> channels) {
        this.channels = List.copyOf(channels);
        this.namesCrc = namesCrc(this.channels, this.channels.size());
        this.positions = new StreamPosition[this.channels.size()];
    }

    List<String> channels() {
        return channels;
    }

    /**
     * The place of {@code channel} in this stream, or -1. A scan rather than a map: a stream has
     * one or a few channels (at most {@value #MAX_CHANNELS}), and a map in each of thousands of
     * idle streams costs more memory than the scan costs time.
     */
    int indexOf(String channel) {
        return channels.indexOf(channel);
    }

    /** Null when unknown: the channel then starts live. */
    StreamPosition position(int index) {
        return positions[index];
    }

    /** Whether every channel has a position: the cursor can be given to the client as it is. */
    boolean complete() {
        for (StreamPosition p : positions) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    /** A cursor for {@code channels} holding what the client's token says of them (unreadable: nothing). */
    static Cursor resumedFrom(String token, List<String> channels) {
        Cursor start = new Cursor(channels);
        Cursor given = token == null ? null : decode(token, channels);
        for (int i = 0; given != null && i < channels.size(); i++) {
            if (given.position(i) != null) {
                start.set(i, given.position(i));
            }
        }
        return start;
    }

    void set(int index, StreamPosition position) {
        if (!position.equals(positions[index])) {
            positions[index] = position;
            text = null;
        }
    }

    /**
     * Forgets a channel's position: the server ended that channel (docs/protocol.md §7), and a
     * poll that names it again starts it live, as a new subscription.
     */
    void clear(int index) {
        if (positions[index] != null) {
            positions[index] = null;
            text = null;
        }
    }

    /** The token; computed again only after a position changed. */
    String text() {
        if (text == null) {
            text = encode();
        }
        return text;
    }

    private String encode() {
        StringBuilder body = new StringBuilder(positions.length * 8);
        String epoch = null;
        for (StreamPosition p : positions) {
            body.append('_');
            if (p != null) {
                body.append(Long.toString(p.offset(), 36));
                if (!p.epoch().equals(epoch)) {
                    body.append('.').append(p.epoch());
                    epoch = p.epoch();
                }
            }
        }
        String positionsText = body.toString();
        return VERSION + check(namesCrc, positionsText) + positionsText;
    }

    /**
     * Reads a token for a stream of {@code channels}.
     *
     * @return the positions it holds (channels it does not cover are unknown), or null when it is
     *         unreadable: malformed, of another version, or made for another channel list
     */
    static Cursor decode(String token, List<String> channels) {
        if (token == null || token.length() < 1 + CHECK_LENGTH || token.charAt(0) != VERSION) {
            return null;
        }
        String positionsText = token.substring(1 + CHECK_LENGTH);
        String[] parts = positionsText.split("_", -1);
        // parts[0] is what sits between the check value and the first '_': must be nothing.
        int covered = parts.length - 1;
        if (!parts[0].isEmpty() || covered < 1 || covered > channels.size()) {
            return null;
        }
        if (!token.regionMatches(1, check(namesCrc(channels, covered), positionsText), 0, CHECK_LENGTH)) {
            return null;
        }
        Cursor cursor = new Cursor(channels);
        String epoch = null;
        for (int i = 0; i < covered; i++) {
            String part = parts[i + 1];
            if (part.isEmpty()) {
                continue;
            }
            int dot = part.indexOf('.');
            if (dot >= 0) {
                epoch = part.substring(dot + 1);
            }
            long offset = parseOffset(dot >= 0 ? part.substring(0, dot) : part);
            if (offset < 0 || !StreamPosition.isValidEpoch(epoch)) {
                return null;
            }
            cursor.positions[i] = new StreamPosition(epoch, offset);
        }
        return cursor;
    }

    private static long parseOffset(String digits) {
        if (digits.isEmpty() || digits.length() > 13) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits, 36);
        } catch (NumberFormatException tooBig) {
            return -1;
        }
    }

    /** Over the first {@code count} names; names never contain '\n', so the joining is unambiguous. */
    private static long namesCrc(List<String> channels, int count) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < count; i++) {
            crc.update(channels.get(i).getBytes(StandardCharsets.UTF_8));
            crc.update('\n');
        }
        return crc.getValue();
    }

    /** Six base-36 characters over the channel names (their CRC) and the positions text. */
    private static String check(long namesCrc, String positionsText) {
        CRC32 crc = new CRC32();
        for (int shift = 24; shift >= 0; shift -= 8) {
            crc.update((int) (namesCrc >>> shift));
        }
        crc.update(positionsText.getBytes(StandardCharsets.ISO_8859_1));
        String digits = Long.toString(crc.getValue() & CHECK_MASK, 36);
        char[] padded = new char[CHECK_LENGTH];
        Arrays.fill(padded, '0');
        digits.getChars(0, digits.length(), padded, CHECK_LENGTH - digits.length());
        return new String(padded);
    }

    @Override
    public String toString() {
        return text();
    }
}

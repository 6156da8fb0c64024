package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what arrives on a channel's pub/sub key. Two kinds share it (docs/protocol.md §6):
 * <ul>
 *   <li>the gateway's envelope, written only by {@code rtgw_publish}:
 *       {@code 0xFF "rtgw1\n" offset "\n" epoch "\n" micros "\n" event "\n" data};</li>
 *   <li>anything else: an app's live-only {@code PUBLISH}, delivered as event {@code message}
 *       with no id.</li>
 * </ul>
 * The marker starts with byte 0xFF, which valid UTF-8 text never contains, so no text an app
 * publishes (JSON, a string, user input passed through) can be read as an envelope. A payload
 * that carries the marker but does not parse as an envelope, or names an {@code rtgw.} event
 * (which the function never writes), is dropped rather than guessed at.
 */
final class Envelope {
    static final byte[] MARKER = {(byte) 0xFF, 'r', 't', 'g', 'w', '1', '\n'};
    static final String LIVE_EVENT = "message";

    private Envelope() {
    }

    /** @return the publication, or null when a marked payload is malformed (it is dropped) */
    static Publication decode(ChannelName channel, byte[] payload, long receivedAtMicros) {
        if (!hasMarker(payload)) {
            return new Publication(channel, null, LIVE_EVENT, JsonData.compactOrString(utf8Lenient(payload)),
                    receivedAtMicros);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(payload, MARKER.length, payload.length - MARKER.length))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        String[] parts = body.split("\n", 5);
        if (parts.length != 5) {
            return null;
        }
        StreamPosition position = StreamPosition.parse(parts[0] + "." + parts[1]);
        String event = parts[3];
        if (position == null || event.isEmpty() || event.startsWith("rtgw.")) {
            return null;
        }
        long micros;
        try {
            micros = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        // Redis's cjson accepts a few things Jackson does not (NaN, hex numbers): those arrive as strings.
        return new Publication(channel, position, event, JsonData.compactOrString(parts[4]), micros);
    }

    static boolean hasMarker(byte[] payload) {
        if (payload.length < MARKER.length) {
            return false;
        }
        for (int i = 0; i < MARKER.length; i++) {
            if (payload[i] != MARKER[i]) {
                return false;
            }
        }
        return true;
    }

    private static String utf8Lenient(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}

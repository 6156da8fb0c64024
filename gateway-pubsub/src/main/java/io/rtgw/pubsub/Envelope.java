package io.rtgw.pubsub;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what arrives on a channel's two pub/sub channels (docs/protocol.md §6):
 * <ul>
 *   <li>{@code <key>:e} carries only the gateway's envelopes, written by {@code rtgw_publish}:
 *       {@code 0xFF "rtgw2\n" offset "\n" epoch "\n" micros "\n" event "\n" data}
 *       ({@link #decodeEnvelope}), and the gateway's own live-only messages ({@code rtgw.join},
 *       {@code rtgw.leave}, docs/protocol.md §9): {@code 0x00 "rtgwL\n" micros "\n" event "\n" data},
 *       whose event must be a reserved {@code rtgw.} one ({@link #encodeGatewayLive});</li>
 *   <li>{@code <key>} carries apps' live-only {@code PUBLISH}, delivered as event {@code message}
 *       with no id, whatever its bytes ({@link #decodeLive}).</li>
 * </ul>
 * An app's {@code PUBLISH} to {@code <key>} can therefore never produce an id, whatever it
 * contains. The one exception to "verbatim": a payload starting with the marker of version 1 of
 * the function library, which published its envelopes on {@code <key>} and still does so during
 * a rolling upgrade for the old nodes that read them there; it is dropped, being either such a
 * copy or a forgery (0xFF is never part of UTF-8 text, so no text an app publishes is dropped).
 */
final class Envelope {
    static final byte[] MARKER = {(byte) 0xFF, 'r', 't', 'g', 'w', '2', '\n'};
    static final byte[] LEGACY_MARKER = {(byte) 0xFF, 'r', 't', 'g', 'w', '1', '\n'};
    static final String LIVE_EVENT = "message";
    /** Text (0x00 is one byte in UTF-8), so it travels through Lettuce's string codec unchanged. */
    static final String GATEWAY_LIVE_MARKER = "\u0000rtgwL\n";
    private static final byte[] GATEWAY_LIVE_BYTES = GATEWAY_LIVE_MARKER.getBytes(StandardCharsets.UTF_8);

    private Envelope() {
    }

    /** An app's payload from {@code <key>}. @return null for a version-1 envelope (dropped) */
    static Publication decodeLive(ChannelName channel, byte[] payload, long receivedAtMicros) {
        if (startsWith(payload, LEGACY_MARKER)) {
            return null;
        }
        return new Publication(channel, null, LIVE_EVENT, JsonData.compactOrString(utf8Lenient(payload)),
                receivedAtMicros);
    }

    /** The gateway's own live-only message for {@code <key>:e}; {@code data} is compact JSON. */
    static String encodeGatewayLive(String event, String data, long micros) {
        if (!event.startsWith("rtgw.") || event.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("event: '" + event + "' (expected: a reserved rtgw. event)");
        }
        return GATEWAY_LIVE_MARKER + micros + "\n" + event + "\n" + data;
    }

    /** A payload from {@code <key>:e}. @return null when it is not a well-formed envelope (dropped) */
    static Publication decodeEnvelope(ChannelName channel, byte[] payload) {
        if (startsWith(payload, GATEWAY_LIVE_BYTES)) {
            return decodeGatewayLive(channel, payload);
        }
        if (!startsWith(payload, MARKER)) {
            return null;
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

    private static Publication decodeGatewayLive(ChannelName channel, byte[] payload) {
        String body = new String(payload, GATEWAY_LIVE_BYTES.length, payload.length - GATEWAY_LIVE_BYTES.length,
                StandardCharsets.UTF_8);
        String[] parts = body.split("\n", 3);
        if (parts.length != 3 || !parts[1].startsWith("rtgw.")) {
            return null;
        }
        long micros;
        try {
            micros = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return null;
        }
        return new Publication(channel, null, parts[1], JsonData.compactOrString(parts[2]), micros);
    }

    private static boolean startsWith(byte[] payload, byte[] marker) {
        if (payload.length < marker.length) {
            return false;
        }
        for (int i = 0; i < marker.length; i++) {
            if (payload[i] != marker[i]) {
                return false;
            }
        }
        return true;
    }

    private static String utf8Lenient(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }
}

package io.rtgw.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The gateway's own SSE events ({@code rtgw.*}) and fields. Each event carries a {@code data:}
 * line, even an empty object, because EventSource drops events without data.
 */
final class SseEvents {
    private static final byte[] PING = "event: rtgw.ping\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEvents() {
    }

    /** A block with only a {@code retry:} field: sets the reconnect delay, dispatches nothing. */
    static ByteBuf retry(long millis) {
        return ascii("retry: " + millis + "\n\n");
    }

    static ByteBuf ping() {
        return Unpooled.wrappedBuffer(PING);
    }

    /** {@code rtgw.connected}, with the cursor as its id so the browser holds one from the start. */
    static ByteBuf connected(String clientId, Cursor cursor, boolean[] recovered, long heartbeatSeconds) {
        List<String> channels = cursor.channels();
        return event(cursor.text(), "rtgw.connected", g -> {
            g.writeStringField("client", clientId);
            g.writeArrayFieldStart("channels");
            for (String c : channels) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("recovered");
            for (int i = 0; i < channels.size(); i++) {
                g.writeBooleanField(channels.get(i), recovered[i]);
            }
            g.writeEndObject();
            g.writeNumberField("heartbeat", heartbeatSeconds);
        });
    }

    static ByteBuf gap(String channel) {
        return event(null, "rtgw.gap", g -> g.writeStringField("channel", channel));
    }

    static ByteBuf expiring(long inSeconds) {
        return event(null, "rtgw.expiring", g -> g.writeNumberField("in", inSeconds));
    }

    /**
     * {@code rtgw.close {reason, reconnect}}, preceded by a {@code retry:} when
     * {@code retryMillis > 0}. {@code reconnect: false} tells a client to close its EventSource
     * (which would otherwise come back by itself) until its credentials change.
     */
    static ByteBuf close(String reason, boolean reconnect, long retryMillis) {
        String retry = retryMillis > 0 ? "retry: " + retryMillis + "\n" : "";
        return Unpooled.wrappedBuffer(ascii(retry), event(null, "rtgw.close", g -> {
            g.writeStringField("reason", reason);
            g.writeBooleanField("reconnect", reconnect);
        }));
    }

    /** {@code rtgw.unsubscribed {channel, reason}}: the server ended one channel of the stream. */
    static ByteBuf unsubscribed(String channel, String reason) {
        return event(null, "rtgw.unsubscribed", g -> {
            g.writeStringField("channel", channel);
            g.writeStringField("reason", reason);
        });
    }

    /** The per-connection {@code id:} line in front of a shared message. */
    static ByteBuf idLine(String cursor) {
        return ascii("id: " + cursor + "\n");
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static ByteBuf event(String id, String name, Fields fields) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(128)) {
            if (id != null) {
                out.write(("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
            try (JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
                g.writeStartObject();
                fields.write(g);
                g.writeEndObject();
            }
            out.write('\n');
            out.write('\n');
            return Unpooled.wrappedBuffer(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }
}

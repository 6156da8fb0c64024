package io.rtgw.transport;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.rtgw.core.Publication;
import io.rtgw.core.PublicationEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The part of an SSE message every subscriber shares: {@code event:} and {@code data:} lines and
 * the blank line that ends the event. Built once per publication; each connection only puts its
 * own {@code id:} line (its cursor) in front.
 */
final class SseEventEncoder implements PublicationEncoder {
    static final SseEventEncoder INSTANCE = new SseEventEncoder();
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEventEncoder() {
    }

    @Override
    public int slot() {
        return 1;
    }

    @Override
    public byte[] encode(Publication p) {
        String data = oneLine(p.data());
        try (ByteArrayBuilder out = new ByteArrayBuilder(64 + p.event().length() + data.length())) {
            out.write(EVENT);
            out.write(eventName(p.event()).getBytes(StandardCharsets.UTF_8));
            out.write(DATA);
            try (JsonGenerator g = WireJson.FACTORY.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("channel", p.channel().name());
                if (p.position() != null) {
                    g.writeStringField("id", p.position().toString());
                }
                g.writeFieldName("data");
                g.writeRawValue(data);
                g.writeEndObject();
            }
            out.write(END);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A line break in an event name would end the field and let the rest pose as other fields;
     * publishers are expected to refuse such names, this is the last line of defence.
     */
    static String eventName(String event) {
        return event.indexOf('\n') < 0 && event.indexOf('\r') < 0 ? event
                : event.replace('\n', '_').replace('\r', '_');
    }

    /**
     * Publications are compact JSON by contract; should one carry a raw line break anyway, it can
     * only be whitespace between tokens (JSON strings cannot hold one unescaped), so a space
     * means the same and keeps the event on one {@code data:} line.
     */
    static String oneLine(String json) {
        return json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json
                : json.replace('\n', ' ').replace('\r', ' ');
    }
}

package io.rtgw.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.ServerMessage.Ack;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Expiring;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.PresenceReply;
import io.rtgw.core.ServerMessage.Refreshed;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.ServerMessage.Welcome;
import io.rtgw.core.presence.PresenceEntry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON of the WebSocket protocol (docs/protocol.md §4.2), written with Jackson's streaming generator.
 * A publication's {@code data} is already compact JSON and is written raw, never re-parsed.
 */
public final class WireJson {
    public static final JsonFactory FACTORY = new JsonFactory();
    public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private WireJson() {
    }

    /** {@code {"type":"message","channel","id","event","data"}}: a WebSocket frame and a long-poll item. */
    public static byte[] messageItem(Publication p) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(96 + p.data().length());
             JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeStringField("channel", p.channel().name());
            if (p.position() != null) {
                g.writeStringField("id", p.position().toString());
            }
            g.writeStringField("event", p.event());
            g.writeFieldName("data");
            g.writeRawValue(p.data());
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any message but a publication, as a WebSocket text frame payload. */
    public static ByteBuf control(ByteBufAllocator alloc, ServerMessage message, long heartbeatSeconds) {
        ByteBuf buf = alloc.buffer(128);
        try (JsonGenerator g = FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            writeControlFields(g, message, heartbeatSeconds);
            g.writeEndObject();
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return buf;
    }

    private static void writeControlFields(JsonGenerator g, ServerMessage message, long heartbeatSeconds)
            throws IOException {
        if (message instanceof Welcome w) {
            g.writeStringField("type", "welcome");
            g.writeStringField("client", w.clientId());
            g.writeStringField("user", w.identity().user());
            g.writeStringField("tenant", w.identity().tenant());
            if (w.identity().expires()) {
                g.writeNumberField("expiresAt", w.identity().expiresAt());
            } else {
                g.writeNullField("expiresAt");
            }
            g.writeArrayFieldStart("channels");
            for (String c : w.channels()) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeNumberField("heartbeat", heartbeatSeconds);
        } else if (message instanceof Subscribed s) {
            g.writeStringField("type", "subscribed");
            g.writeStringField("channel", s.channel());
            g.writeStringField("position", s.position().toString());
            g.writeBooleanField("recovered", s.recovered());
            writeRef(g, s.ref());
        } else if (message instanceof Unsubscribed u) {
            g.writeStringField("type", "unsubscribed");
            g.writeStringField("channel", u.channel());
            g.writeStringField("reason", u.reason().wire());
            writeRef(g, u.ref());
        } else if (message instanceof Gap gap) {
            g.writeStringField("type", "gap");
            g.writeStringField("channel", gap.channel());
        } else if (message instanceof Ack a) {
            g.writeStringField("type", "ack");
            writeRef(g, a.ref());
            g.writeStringField("id", a.id().toString());
        } else if (message instanceof ErrorReply e) {
            g.writeStringField("type", "error");
            writeRef(g, e.ref());
            if (e.channel() != null) {
                g.writeStringField("channel", e.channel());
            }
            g.writeStringField("code", e.code());
            g.writeStringField("message", e.message());
            g.writeBooleanField("temporary", e.temporary());
        } else if (message instanceof Expiring x) {
            g.writeStringField("type", "expiring");
            g.writeNumberField("in", x.inSeconds());
        } else if (message instanceof Refreshed r) {
            g.writeStringField("type", "refreshed");
            g.writeNumberField("expiresAt", r.expiresAt());
        } else if (message instanceof PresenceReply p) {
            g.writeStringField("type", "presence");
            writeRef(g, p.ref());
            g.writeStringField("channel", p.channel());
            g.writeArrayFieldStart("clients");
            for (PresenceEntry e : p.clients()) {
                g.writeStartObject();
                g.writeStringField("client", e.client());
                g.writeStringField("user", e.user());
                g.writeFieldName("info");
                if (e.info() == null) {
                    g.writeNull();
                } else {
                    g.writeRawValue(e.info()); // compact JSON checked when the token was verified
                }
                g.writeNumberField("since", e.since());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("not a control message: " + message);
        }
    }

    private static void writeRef(JsonGenerator g, String ref) throws IOException {
        if (ref != null) {
            g.writeStringField("ref", ref);
        }
    }
}

package io.rtgw.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental text/event-stream parser: feed it body chunks as they come (an event may be
 * split anywhere, even inside a line), it calls back once per complete event. Keeps reusable
 * byte arrays instead of Strings, so parsing costs no allocation per event.
 */
public final class SseParser {
    /** Called with the parser itself; read the fields during the call only. */
    public interface Listener {
        void onEvent(SseParser event);
    }

    private final Listener listener;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean lastWasCr;
    private byte[] data = new byte[256];
    private int dataLen;
    private boolean hasData;
    private final byte[] event = new byte[64];
    private int eventLen;
    private byte[] id = new byte[128];
    private int idLen = -1;

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    public void feed(ByteBuf buf) {
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
            feed(buf.getByte(i));
        }
    }

    public void feed(byte[] bytes) {
        for (byte b : bytes) {
            feed(b);
        }
    }

    private void feed(byte b) {
        if (b == '\n') {
            if (lastWasCr) { // CRLF: the line already ended at the CR
                lastWasCr = false;
                return;
            }
            endLine();
        } else if (b == '\r') {
            lastWasCr = true;
            endLine();
        } else {
            lastWasCr = false;
            if (lineLen == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLen++] = b;
        }
    }

    private void endLine() {
        int len = lineLen;
        lineLen = 0;
        if (len == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            return; // a comment
        }
        int colon = 0;
        while (colon < len && line[colon] != ':') {
            colon++;
        }
        int value = colon + 1;
        if (value < len && line[value] == ' ') {
            value++;
        }
        int valueLen = Math.max(0, len - value);
        if (is("data", colon)) {
            if (hasData) {
                append((byte) '\n');
            }
            hasData = true;
            for (int i = 0; i < valueLen; i++) {
                append(line[value + i]);
            }
        } else if (is("event", colon)) {
            eventLen = Math.min(valueLen, event.length);
            System.arraycopy(line, value, event, 0, eventLen);
        } else if (is("id", colon)) {
            if (id.length < valueLen) {
                id = new byte[valueLen];
            }
            System.arraycopy(line, value, id, 0, valueLen);
            idLen = valueLen;
        }
    }

    private boolean is(String field, int len) {
        if (len != field.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void append(byte b) {
        if (dataLen == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[dataLen++] = b;
    }

    private void dispatch() {
        if (hasData || eventLen > 0) {
            listener.onEvent(this);
        }
        hasData = false;
        dataLen = 0;
        eventLen = 0;
        idLen = -1; // ids do not carry over to the next event for our purposes
    }

    public boolean eventIs(String name) {
        if (eventLen == 0) {
            return "message".equals(name);
        }
        if (eventLen != name.length()) {
            return false;
        }
        for (int i = 0; i < eventLen; i++) {
            if (event[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    public String eventName() {
        return eventLen == 0 ? "message" : new String(event, 0, eventLen, StandardCharsets.UTF_8);
    }

    /** The id of this event, or null when it had no {@code id:} line. */
    public String id() {
        return idLen < 0 ? null : new String(id, 0, idLen, StandardCharsets.UTF_8);
    }

    public boolean hasId() {
        return idLen >= 0;
    }

    public byte[] data() {
        return data;
    }

    public int dataLength() {
        return dataLen;
    }
}

package io.rtgw.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** RFC 6455 frames as bytes: the client's (any flags, masked or not) and the server's, read back. */
final class WireFrames {
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private WireFrames() {
    }

    /** A final, masked text frame: what a well-behaved client sends. */
    static byte[] text(String text) {
        return frame(0x80 | TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** @param head the first byte: FIN, the three RSV bits and the opcode, as the peer chose them */
    static byte[] frame(int head, boolean masked, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write(head);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        if (masked) {
            out.writeBytes(MASK);
            byte[] hidden = payload.clone();
            for (int i = 0; i < hidden.length; i++) {
                hidden[i] ^= MASK[i % 4];
            }
            out.writeBytes(hidden);
        } else {
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    /** One frame the server sent (servers never mask). */
    record ServerFrame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        @Override
        public String toString() {
            return opcode == CLOSE ? "close " + closeCode() : "op" + opcode + " " + text();
        }
    }

    /** The whole frames in {@code bytes} from {@code offset}; what follows them is left for later. */
    static List<ServerFrame> parse(byte[] bytes, int[] offset) {
        List<ServerFrame> frames = new ArrayList<>();
        int at = offset[0];
        while (bytes.length - at >= 2) {
            int head = bytes[at] & 0xff;
            int len = bytes[at + 1] & 0x7f;
            if ((bytes[at + 1] & 0x80) != 0) {
                throw new AssertionError("the server masked a frame");
            }
            int start = at + 2;
            long length = len;
            if (len == 126) {
                if (bytes.length - at < 4) {
                    break;
                }
                length = ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
                start = at + 4;
            } else if (len == 127) {
                if (bytes.length - at < 10) {
                    break;
                }
                length = ByteBuffer.wrap(bytes, at + 2, 8).getLong();
                start = at + 10;
            }
            if (bytes.length - start < length) {
                break;
            }
            frames.add(new ServerFrame((head & 0x80) != 0, head & 0x0f,
                    Arrays.copyOfRange(bytes, start, start + (int) length)));
            at = start + (int) length;
        }
        offset[0] = at;
        return frames;
    }
}

package io.rtgw.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client written against the socket so that a test controls exactly what it does:
 * here, one that never reads (a slow consumer whose kernel buffers fill up), or one that sends
 * frames no well-behaved client library would (invalid UTF-8, a flood of pings).
 */
final class RawWebSocket implements AutoCloseable {
    private final Socket socket = new Socket();
    private final OutputStream out;

    RawWebSocket(InetSocketAddress server, String bearer) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(server, 5000);
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        String request = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: rtgw.v1\r\nAuthorization: Bearer " + bearer + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        readUpgradeAnswer();
    }

    /** Reads the 101 answer up to its blank line; nothing after it is ever read. */
    private void readUpgradeAnswer() throws IOException {
        var in = socket.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during upgrade");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /** Sends one masked text frame (clients must mask). */
    void sendText(String text) throws IOException {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one final masked frame of any opcode and payload, valid or not (up to 125 bytes). */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    /**
     * Reads the server's frames (unmasked) and skips them until its close frame: its status code,
     * or -1 when the connection ends without one. Bounded by {@code patience} in all, even when
     * the server keeps sending (heartbeats).
     */
    int awaitCloseCode(java.time.Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        var in = new java.io.DataInputStream(socket.getInputStream());
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new java.net.SocketTimeoutException("no close frame within " + patience);
                }
                socket.setSoTimeout((int) Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
                int opcode = in.readUnsignedByte() & 0x0f;
                long length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = in.readNBytes((int) length);
                if (opcode == 0x8) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (java.io.EOFException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

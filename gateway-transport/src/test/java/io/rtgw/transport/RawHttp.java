package io.rtgw.transport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads whole HTTP/1.1 responses (Content-Length bodies) off a raw socket, in the order they arrive. */
final class RawHttp {
    record Response(String head, String body) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        boolean closes() {
            return head.toLowerCase(Locale.ROOT).contains("connection: close");
        }
    }

    private RawHttp() {
    }

    /** The next response, or null when the server closed the connection before one began. */
    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        if (head.size() == 0) {
            return null;
        }
        if (b < 0) {
            throw new EOFException("connection closed inside a response head: " + head);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return new Response(text, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
}

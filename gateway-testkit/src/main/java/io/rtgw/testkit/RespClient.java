package io.rtgw.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately tiny RESP2 client: enough to check readiness and to send binary-exact payloads
 * (like a forged envelope) that a shell argument could not carry. Tests use it as "some other
 * app" talking to Redis, independent of the Lettuce client under test.
 */
public final class RespClient {
    private RespClient() {
    }

    /** Opens a connection, sends one command, reads the reply flattened to strings, closes. */
    public static List<String> call(String host, int port, int timeoutMillis, byte[]... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            List<String> reply = new ArrayList<>();
            read(new BufferedInputStream(socket.getInputStream()), reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(byte[]... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("*" + args.length + "\r\n"));
        for (byte[] arg : args) {
            out.writeBytes(utf8("$" + arg.length + "\r\n"));
            out.writeBytes(arg);
            out.writeBytes(utf8("\r\n"));
        }
        return out.toByteArray();
    }

    private static void read(InputStream in, List<String> into) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+', ':' -> into.add(line);
            case '-' -> throw new IllegalStateException("redis error: " + line);
            case '$' -> {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    into.add(null);
                    return;
                }
                byte[] data = in.readNBytes(len);
                in.readNBytes(2);
                into.add(new String(data, StandardCharsets.UTF_8));
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                for (int i = 0; i < n; i++) {
                    read(in, into);
                }
            }
            default -> throw new IOException("unexpected RESP type " + type);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.write(c);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }
}

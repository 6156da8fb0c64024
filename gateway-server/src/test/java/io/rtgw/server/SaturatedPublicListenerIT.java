package io.rtgw.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: at the process's file limit every accept failed, the admin listener's too, so
 * {@code /healthz} and {@code /metrics} went dark under a socket flood of the public listener. The
 * public listener stops at {@code max_sockets} (by default the file limit minus a reserve), so the
 * admin listener keeps files to answer with. A low cap stands in for the file limit here: one JVM
 * cannot exhaust its own files without breaking the tests around it.
 */
class SaturatedPublicListenerIT {
    private static final int CAP = 4;
    private RunningGateway node;
    private final List<Socket> flood = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : flood) {
            s.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private Socket publicSocket() throws IOException {
        Socket s = new Socket("127.0.0.1", node.gateway.publicAddress().getPort());
        flood.add(s);
        s.setSoTimeout(60_000);
        return s;
    }

    /** The flood's sockets hold their slot: a keep-alive request each proves the listener took it. */
    private static void fetchScript(Socket s) throws IOException {
        s.getOutputStream().write("GET /rtgw.js HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("answer of a socket under the cap").isNotNegative();
            head.write(b);
        }
        assertThat(head.toString(US_ASCII)).startsWith("HTTP/1.1 200");
        int length = Integer.parseInt(head.toString(US_ASCII).replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        in.readNBytes(length);
    }

    @Test
    void theAdminListenerAnswersWhileThePublicOneIsAtItsCap() throws Exception {
        node = new RunningGateway(Map.of("RTGW_MAX_SOCKETS", String.valueOf(CAP)));
        for (int i = 0; i < CAP; i++) {
            fetchScript(publicSocket());
        }
        Socket overCap = publicSocket();
        overCap.getOutputStream().write("GET /rtgw.js HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(US_ASCII));
        int first;
        try {
            first = overCap.getInputStream().read();
        } catch (java.net.SocketException reset) {
            first = -1;
        }
        assertThat(first).as("a socket past the cap is closed unanswered").isEqualTo(-1);
        assertThat(node.get(node.admin("/healthz")).statusCode()).isEqualTo(200);
        assertThat(node.get(node.admin("/metrics")).statusCode()).isEqualTo(200);
    }
}

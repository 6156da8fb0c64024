package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md §4: keep-alive sockets are timed between requests too, and every accepted
 * socket counts toward the connection limits and the connect rate (issue 13: an idle socket after
 * its first request lived forever, a second request sent a byte at a time was never cut off, and
 * sockets without a session were counted nowhere).
 */
class KeepAliveSocketsIT {
    private static final String SCRIPT_REQUEST = "GET /rtgw.js HTTP/1.1\r\nHost: gateway\r\n\r\n";
    private static final Duration LONG = Duration.ofMinutes(10);

    private TestNode node;
    private PublicServer withScript;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        clients.forEach(WsClient::close);
        if (withScript != null) {
            withScript.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private void start(AbuseLimits limits) throws Exception {
        node = new TestNode(s -> s, limits);
        // the node's context behind a listener that also serves a static script, like the server's /rtgw.js
        withScript = new PublicServer(node.context, node.loops)
                .route("/rtgw.js", new StaticEndpoint("text/javascript", "/* client */".getBytes(US_ASCII)));
        withScript.start();
    }

    private static AbuseLimits limits(int maxConnections, double connectRate, Duration request, Duration idle) {
        return new AbuseLimits(maxConnections, 0, 0, 0, 0, 0, connectRate, a -> false, request)
                .withIdleTimeout(idle);
    }

    private Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", withScript.address().getPort());
        sockets.add(s);
        s.setSoTimeout(60_000);
        return s;
    }

    /** Sends the script request and reads its answer; the connection stays open (keep-alive). */
    private static String fetchScript(Socket s) throws IOException {
        s.getOutputStream().write(SCRIPT_REQUEST.getBytes(US_ASCII));
        s.getOutputStream().flush();
        String head = readHead(s.getInputStream());
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        s.getInputStream().readNBytes(length);
        return head;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the answer's head ended: " + head.toString(US_ASCII));
            }
            head.write(b);
        }
        return head.toString(US_ASCII);
    }

    private WsClient connect(String bearer) throws Exception {
        WsClient c = WsClient.connect(java.net.URI.create("ws://127.0.0.1:" + withScript.address().getPort() + "/ws"), bearer);
        clients.add(c);
        return c;
    }

    @Test
    void anIdleKeepAliveSocketIsClosedAfterTheIdleTimeout() throws Exception {
        start(limits(0, 0, LONG, Duration.ofSeconds(1)));
        Socket s = open();
        assertThat(fetchScript(s)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        // nothing more is sent; the request timeout is far away, so only the idle timeout can close it
        assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    }

    @Test
    void aSecondRequestSentAByteAtATimeIsClosedByTheRequestTimeout() throws Exception {
        start(limits(0, 0, Duration.ofSeconds(1), LONG));
        Socket s = open();
        assertThat(fetchScript(s)).startsWith("HTTP/1.1 200");
        byte[] slow = ("GET /rtgw.js HTTP/1.1\r\nHost: gateway\r\nX-Pad: " + "a".repeat(1500) + "\r\n\r\n")
                .getBytes(US_ASCII);
        s.setSoTimeout(100); // the attacker's pace: one byte, then a tenth of a second of listening
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        boolean closed = false;
        for (int i = 0; i < slow.length - 2 && !closed; i++) {
            try {
                out.write(slow[i]);
                out.flush();
                closed = in.read() == -1;
            } catch (SocketTimeoutException stillOpen) {
                // the server is still waiting for the rest of the request
            } catch (java.net.SocketException reset) {
                closed = true;
            }
        }
        assertThat(closed).as("closed before the slow request was complete").isTrue();
    }

    @Test
    void aConnectionAnswered413BeforeItsBodyEndedStillGoesIdle() throws Exception {
        start(limits(0, 0, LONG, Duration.ofSeconds(1)));
        Socket s = open();
        // past the 16 KiB body limit: the aggregator answers 413 at once, keeps the connection and
        // skips the body; once it has ended, the connection is idle like after any answer
        s.getOutputStream().write("GET /rtgw.js HTTP/1.1\r\nHost: gateway\r\nContent-Length: 20000\r\n\r\n"
                .getBytes(US_ASCII));
        s.getOutputStream().write(new byte[20_000]);
        s.getOutputStream().flush();
        assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 413");
        int rest;
        try {
            rest = s.getInputStream().read();
        } catch (java.net.SocketException reset) {
            rest = -1;
        }
        assertThat(rest).as("closed by the idle timeout").isEqualTo(-1);
    }

    @Test
    void socketsWithoutSessionsCountTowardMaxConnections() throws Exception {
        start(limits(2, 0, LONG, LONG));
        Socket first = open();
        fetchScript(first);
        fetchScript(open());
        // two sockets, no session: the node is full
        WsClient refused = connect(token("alice", "acme"));
        refused.awaitClose();
        assertThat(refused.closeCode).isEqualTo(4009);
        first.close();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            WsClient admitted = connect(token("alice", "acme"));
            assertThat(admitted.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        });
    }

    @Test
    void aSocketWithoutASessionTakesItsAddressesConnectRateToken() throws Exception {
        // one token per 100 s, burst 1: the script fetch takes it
        start(limits(0, 0.01, LONG, LONG));
        fetchScript(open());
        WsClient refused = connect(token("alice", "acme"));
        refused.awaitClose();
        assertThat(refused.closeCode).isEqualTo(4029);
    }
}

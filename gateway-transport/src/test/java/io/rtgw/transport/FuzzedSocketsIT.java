package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.DisconnectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's inputs (fewer than {@link FuzzedInputsTest} sends on EmbeddedChannels) through real
 * sockets to a real node: documented answers, no warnings, no leaks, and afterwards the node still
 * serves a well-behaved client. Also the findings of the fuzzer, each reproduced on its own.
 */
class FuzzedSocketsIT {
    private static final int INPUTS = Integer.getInteger("fuzz.socketInputs", 100);
    private TestNode node;
    private LeakRecorder leaks;
    private LogRecorder log;

    @BeforeEach
    void start() throws Exception {
        leaks = new LeakRecorder();
        log = new LogRecorder();
        node = new TestNode(s -> s.withMaxMessageBytes(4096));
    }

    @AfterEach
    void stop() {
        try {
            node.close();
            leaks.assertNone();
        } finally {
            leaks.close();
            log.close();
        }
    }

    @Test
    void fuzzedInputsOverSocketsGetDocumentedAnswersAndTheNodeKeepsServing() throws Exception {
        System.out.println("FuzzedSocketsIT: -Dfuzz.seed=" + FuzzedInputsTest.SEED);
        FuzzedInputsTest.forEachInput(INPUTS, inputs -> {
            webSocket(inputs.bearer(), inputs.frames());
            String query = inputs.query();
            List<String> headers = inputs.streamHeaders();
            stream("/sse", query, headers);
            // a held poll answers at its timeout: the first timeout parameter wins, so keep it short
            stream("/poll", "timeout=1&" + query, headers);
        });
        assertThat(log.warnings).as("warnings logged under fuzzing").isEmpty();
        assertStillServing();
    }

    private void webSocket(String bearer, List<byte[]> frames) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(FuzzedInputsTest.upgrade(bearer).getBytes(StandardCharsets.US_ASCII));
            for (byte[] frame : frames) {
                try {
                    out.write(frame);
                } catch (SocketException closedByServer) {
                    break;
                }
            }
            socket.shutdownOutput(); // the server sees the end and closes: read everything up to there
            byte[] answer = readToEnd(socket.getInputStream());
            assertThat(new String(answer, 0, Math.min(12, answer.length), StandardCharsets.US_ASCII))
                    .startsWith("HTTP/1.1 101");
            int[] read = {FuzzedInputsTest.indexAfterHeaders(answer)};
            FuzzedInputsTest.assertDocumented(WireFrames.parse(answer, read));
        }
    }

    private void stream(String path, String query, List<String> headers) throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(FuzzedInputsTest.request(path, query, headers).getBytes(StandardCharsets.UTF_8));
            byte[] head = readHead(socket.getInputStream());
            assertThat(head).as("%s?%s answered", path, query).isNotEmpty();
            String text = new String(head, StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            assertThat(status).as("status of %s?%s", path, query)
                    .isIn(path.equals("/sse") ? DocumentedAnswers.SSE_STATUSES : DocumentedAnswers.POLL_STATUSES);
        }
    }

    /** A well-behaved client subscribes and receives a publish. */
    private void assertStillServing() throws Exception {
        try (WsClient client = WsClient.connect(node.uri("/ws"), FuzzInputs.TOKEN)) {
            client.send("{\"type\":\"subscribe\",\"channel\":\"room:after\",\"ref\":\"s\"}");
            client.subscribed("room:after");
            node.publish("acme", "room:after", "{\"still\":\"serving\"}");
            client.await("message", m -> m.path("channel").asText().equals("room:after"));
        }
    }

    @Test
    void aBrokenPercentEscapeInTheQueryIsABadRequest() throws Exception {
        for (String target : List.of("/sse?channel=%", "/poll?channel=room:1&cursor=%zz", "/sse?%E0%A4%A",
                "/ws%?x=1", "/poll?timeout=%")) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + FuzzInputs.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(readHead(socket.getInputStream()), StandardCharsets.US_ASCII);
                assertThat(answer).as(target).startsWith("HTTP/1.1 400");
            }
        }
        assertThat(log.warnings).isEmpty();
    }

    @Test
    void aClientThatLeavesInTheMiddleOfAFragmentedMessageIsNoServerFailure() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(FuzzedInputsTest.upgrade(FuzzInputs.TOKEN).getBytes(StandardCharsets.US_ASCII));
            readHead(socket.getInputStream()); // a client sends frames only after the 101 (RFC 6455 §4.1)
            out.write(WireFrames.frame(WireFrames.TEXT, true, "{\"type\":\"subscr".getBytes(StandardCharsets.US_ASCII)));
            // A ping may come between fragments; its pong shows that the fragment was read before it.
            out.write(WireFrames.frame(0x80 | WireFrames.PING, true, new byte[] {1}));
            awaitPong(socket.getInputStream());
        }
        await().atMost(WsClient.PATIENCE).until(() -> !node.observer.closes.isEmpty());
        assertThat(node.observer.closes).containsExactly(DisconnectReason.NORMAL);
        assertThat(log.warnings).as("a client going away is not logged as a failure").isEmpty();
    }

    private static void awaitPong(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] read = {0};
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            received.write(chunk, 0, n);
            if (WireFrames.parse(received.toByteArray(), read).stream().anyMatch(f -> f.opcode() == WireFrames.PONG)) {
                return;
            }
        }
        throw new AssertionError("closed before the pong");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(node.server.address(), 5000);
        socket.setSoTimeout((int) WsClient.PATIENCE.toMillis()); // a bound, not a wait: answers come at once
        return socket;
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException reset) {
            // the server closed with unread input pending: what arrived before counts
        }
        return all.toByteArray();
    }

    /** The status line and headers of an answer, or nothing if the server closed without one. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        try {
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        } catch (SocketException reset) {
            // closed without an answer
        }
        return head.toByteArray();
    }
}

package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile input against the public listener's real pipeline on EmbeddedChannels
 * (thousands of inputs in seconds): every input gets an answer docs/protocol.md documents, and
 * nothing crashes, logs a failure or leaks a buffer (paranoid leak detection). {@link FuzzedSocketsIT}
 * sends fewer of the same inputs through real sockets.
 *
 * <p>The build uses a fixed seed, so that {@code ./gateway test} passes or fails the same way for the
 * same code (a fuzzer finding must not fail an unrelated change); {@code -Dfuzz.seed=random}
 * explores new inputs, {@code -Dfuzz.seed=N} replays a run (a failure names its seed and input
 * number), {@code -Dfuzz.wsInputs=} and {@code -Dfuzz.streamInputs=} change how many inputs each
 * test sends.
 */
class FuzzedInputsTest {
    static final long SEED = seed(System.getProperty("fuzz.seed", "20261204"));
    /** WebSocket inputs cost several times what a query costs (a session, its subscriptions, replies). */
    private static final int WEBSOCKET_INPUTS = Integer.getInteger("fuzz.wsInputs", 800);
    private static final int STREAM_INPUTS = Integer.getInteger("fuzz.streamInputs", 1500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TransportSettings SETTINGS = TransportSettings.defaults("127.0.0.1", 0)
            .withMaxMessageBytes(4096);
    private static LeakRecorder leaks;
    private static LogRecorder log;

    @BeforeAll
    static void watch() {
        System.out.println("FuzzedInputsTest: -Dfuzz.seed=" + SEED);
        leaks = new LeakRecorder();
        log = new LogRecorder();
    }

    private static long seed(String given) {
        return given.equals("random") ? System.nanoTime() : Long.parseLong(given);
    }

    @AfterAll
    static void noLeaksNorWarnings() {
        try {
            leaks.assertNone();
            assertThat(log.warnings).as("warnings logged under fuzzing").isEmpty();
        } finally {
            leaks.close();
            log.close();
        }
    }

    /** Runs {@code check} on inputs made from SEED + 0, 1, 2, …; a failure says which one. */
    static void forEachInput(int inputs, Check check) {
        for (int i = 0; i < inputs; i++) {
            try {
                check.run(new FuzzInputs(SEED + i));
            } catch (Throwable t) {
                throw new AssertionError("input " + i + " of -Dfuzz.seed=" + SEED + ": " + t.getMessage(), t);
            }
        }
    }

    interface Check {
        void run(FuzzInputs inputs) throws Exception;
    }

    @Test
    void everyWebSocketFrameGetsADocumentedAnswer() {
        forEachInput(WEBSOCKET_INPUTS, inputs -> webSocket(inputs.limits(), inputs.bearer(), inputs.frames()));
    }

    static void webSocket(AbuseLimits limits, String bearer, List<byte[]> frames) throws Exception {
        try (EmbeddedNode node = new EmbeddedNode(SETTINGS, limits)) {
            node.receive(upgrade(bearer).getBytes(StandardCharsets.US_ASCII));
            byte[] answer = node.written();
            String head = new String(answer, 0, Math.min(answer.length, 40), StandardCharsets.US_ASCII);
            assertThat(head).startsWith("HTTP/1.1 101");
            int[] read = {indexAfterHeaders(answer)};
            List<WireFrames.ServerFrame> replies = new ArrayList<>(WireFrames.parse(answer, read));
            Set<String> awaitingAnswer = new HashSet<>();
            for (byte[] frame : frames) {
                boolean closedBefore = closed(replies) || !node.channel.isOpen();
                node.receive(frame);
                replies.addAll(WireFrames.parse(node.written(), read));
                String ref = refNeedingAnswer(frame);
                if (!closedBefore && FuzzInputs.TOKEN.equals(bearer) && ref != null) {
                    awaitingAnswer.add(ref);
                }
            }
            assertDocumented(replies);
            if (!closed(replies)) {
                // Every command that carries a ref is answered with that ref (docs/protocol.md §4.2).
                Set<String> answered = new HashSet<>();
                for (WireFrames.ServerFrame f : replies) {
                    if (f.opcode() == WireFrames.TEXT && JSON.readTree(f.text()).path("ref").isTextual()) {
                        answered.add(JSON.readTree(f.text()).path("ref").asText());
                    }
                }
                assertThat(answered).as("refs answered, replies %s", replies).containsAll(awaitingAnswer);
            }
            assertThat(node.observer.closes).doesNotContain(io.rtgw.core.DisconnectReason.INTERNAL);
        }
    }

    /** Frames the server sent: documented JSON messages, documented close codes, pongs and pings. */
    static void assertDocumented(List<WireFrames.ServerFrame> replies) throws Exception {
        for (WireFrames.ServerFrame f : replies) {
            switch (f.opcode()) {
                case WireFrames.TEXT -> {
                    JsonNode message = JSON.readTree(f.text());
                    assertThat(message.path("type").asText()).as("type of %s", f).isIn(DocumentedAnswers.SERVER_TYPES);
                    if (message.path("type").asText().equals("error")) {
                        assertThat(message.path("code").asText()).as("code of %s", f)
                                .isIn(DocumentedAnswers.REASONS).isNotEqualTo(DocumentedAnswers.CRASH_REASON);
                    }
                }
                case WireFrames.CLOSE -> assertThat(f.closeCode()).as("close code")
                        .isIn(DocumentedAnswers.CLOSE_CODES).isNotEqualTo(DocumentedAnswers.CRASH_CLOSE);
                case WireFrames.PING, WireFrames.PONG -> {
                }
                default -> throw new AssertionError("undocumented frame " + f);
            }
            assertThat(f.fin()).as("the server does not fragment").isTrue();
        }
    }

    private static boolean closed(List<WireFrames.ServerFrame> replies) {
        return replies.stream().anyMatch(f -> f.opcode() == WireFrames.CLOSE);
    }

    /**
     * The ref of a single, final, masked text frame carrying a command that docs/protocol.md §4.2
     * answers with its ref (not {@code pong}, {@code refresh}); null for anything else.
     */
    private static String refNeedingAnswer(byte[] frame) {
        if (frame.length < 6 || (frame[0] & 0xff) != 0x81 || (frame[1] & 0x80) == 0) {
            return null;
        }
        int len = frame[1] & 0x7f;
        int start = len == 126 ? 8 : len == 127 ? 14 : 6;
        // only a whole frame of exactly its declared length is a command the server will read
        // (raw bytes from Jazzer may declare anything; found by PublicListenerFuzzTest)
        long declared = len < 126 ? len : 0;
        for (int i = 2; i < start - 4 && start <= frame.length; i++) {
            declared = (declared << 8) | (frame[i] & 0xff);
        }
        if (start > frame.length || declared != frame.length - start) {
            return null;
        }
        byte[] payload = java.util.Arrays.copyOfRange(frame, start, frame.length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= frame[start - 4 + i % 4];
        }
        try {
            JsonNode command = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            String type = command.path("type").isTextual() ? command.path("type").asText() : null;
            boolean answered = type != null && !type.equals("pong") && !type.equals("refresh");
            return answered && command.path("ref").isTextual() && payload.length <= SETTINGS.maxMessageBytes()
                    && isUtf8(payload) ? command.path("ref").asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static String upgrade(String bearer) {
        return "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: rtgw.v1\r\n"
                + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
    }

    static int indexAfterHeaders(byte[] answer) {
        for (int i = 3; i < answer.length; i++) {
            if (answer[i - 3] == '\r' && answer[i - 2] == '\n' && answer[i - 1] == '\r' && answer[i] == '\n') {
                return i + 1;
            }
        }
        throw new AssertionError("no end of headers in " + new String(answer, StandardCharsets.ISO_8859_1));
    }

    @Test
    void everySseAndPollRequestGetsADocumentedStatus() {
        forEachInput(STREAM_INPUTS, inputs -> stream(inputs.query(), inputs.streamHeaders()));
    }

    static void stream(String query, List<String> headers) throws Exception {
        for (String path : List.of("/sse", "/poll")) {
            try (EmbeddedNode node = new EmbeddedNode(SETTINGS, AbuseLimits.NONE)) {
                node.receive(request(path, query, headers).getBytes(StandardCharsets.UTF_8));
                if (node.written().length == 0) {
                    node.advance(Duration.ofSeconds(60)); // a held poll answers at its timeout (at most 55 s)
                }
                byte[] answer = node.written();
                assertThat(answer).as("%s?%s answered", path, query).isNotEmpty();
                assertDocumentedStatus(path, answer);
            }
        }
    }

    static String request(String path, String query, List<String> headers) {
        StringBuilder request = new StringBuilder("GET ").append(path).append('?').append(query)
                .append(" HTTP/1.1\r\nHost: localhost\r\n");
        headers.stream().filter(h -> !h.isEmpty()).forEach(h -> request.append(h).append("\r\n"));
        return request.append("\r\n").toString();
    }

    /** A status of docs/protocol.md §4.3/§4.4, and a refusal's body names a documented error. */
    static void assertDocumentedStatus(String path, byte[] answer) throws Exception {
        String text = new String(answer, StandardCharsets.UTF_8);
        assertThat(text).startsWith("HTTP/1.");
        int status = Integer.parseInt(text.substring(9, 12));
        assertThat(status).as("status of %s: %s", path, text)
                .isIn(path.equals("/sse") ? DocumentedAnswers.SSE_STATUSES : DocumentedAnswers.POLL_STATUSES);
        if (status >= 400) {
            String body = text.substring(indexAfterHeaders(answer));
            assertThat(JSON.readTree(body).path("error").asText()).as("error of %s", text)
                    .isIn(DocumentedAnswers.REASONS);
        }
    }
}

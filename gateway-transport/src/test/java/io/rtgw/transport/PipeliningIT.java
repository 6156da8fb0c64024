package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.ChannelName;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 pipelining on the public listener (docs/protocol.md §4): answers go out in request
 * order, a request behind a held poll waits for it, and one that cannot wait is never answered
 * (the connection closes after the held answer).
 */
class PipeliningIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = token("alice", "acme", "room:*");
    private static final String BOB = token("bob", "other", "news:*");
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private String cursorOf(String channel, String token) throws Exception {
        HttpResponse<String> r = SseClient.get(node.http("/poll?channel=" + channel),
                Map.of("Authorization", "Bearer " + token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("cursor").asText();
    }

    private static String poll(String query, String token) {
        return "GET /poll?" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    }

    @Test
    void aRequestBehindAHeldPollIsAnsweredAfterIt() throws Exception {
        node = new TestNode();
        String cursor = cursorOf("room:a", ALICE);
        ChannelName room = ChannelName.of("acme", "room:a");
        try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write((poll("channel=room:a&timeout=55&cursor=" + cursor, ALICE)
                    + poll("channel=news:x", BOB)).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().until(() -> node.hub.subscriberCount(room) == 1);
            node.publish("acme", "room:a", "\"for acme\"");
            InputStream in = socket.getInputStream();
            RawHttp.Response first = RawHttp.read(in);
            RawHttp.Response second = RawHttp.read(in);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).as("the held poll of acme is answered first").contains("for acme");
            assertThat(second.status()).isEqualTo(200);
            JsonNode other = JSON.readTree(second.body());
            assertThat(other.path("messages")).isEmpty();
            assertThat(second.body()).doesNotContain("for acme");
            assertThat(second.closes()).isFalse();
        }
    }

    @Test
    void requestsBeyondWhatMayWaitCloseTheConnectionAfterTheHeldAnswerUnanswered() throws Exception {
        node = new TestNode();
        String cursor = cursorOf("room:a", ALICE);
        ChannelName room = ChannelName.of("acme", "room:a");
        StringBuilder pipelined = new StringBuilder(poll("channel=room:a&timeout=55&cursor=" + cursor, ALICE));
        for (int i = 0; i <= ResponseOrder.MAX_WAITING; i++) {
            pipelined.append(poll("channel=news:x", BOB));
        }
        try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            await().until(() -> node.hub.subscriberCount(room) == 1);
            node.publish("acme", "room:a", "\"for acme\"");
            InputStream in = socket.getInputStream();
            RawHttp.Response first = RawHttp.read(in);
            assertThat(first.body()).contains("for acme");
            assertThat(first.closes()).isTrue();
            assertThat(RawHttp.read(in)).as("nothing after the held answer").isNull();
        }
    }

    @Test
    void aRequestBehindAnSseStreamIsNeverAnswered() throws Exception {
        node = new TestNode();
        try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET /sse?channel=room:a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + ALICE + "\r\n\r\n" + poll("channel=news:x", BOB)).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            RawHttp.Response head = readStreamHead(in);
            assertThat(head.status()).isEqualTo(200);
            await().until(() -> node.hub.subscriberCount(ChannelName.of("acme", "room:a")) == 1);
            node.publish("acme", "room:a", "\"marker\"");
            String stream = readUntil(in, "marker");
            assertThat(stream).doesNotContain("HTTP/1.1").doesNotContain("news:x");
        }
    }

    private static RawHttp.Response readStreamHead(InputStream in) throws Exception {
        String head = readUntil(in, "\r\n\r\n");
        return new RawHttp.Response(head, "");
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        int b;
        while (seen.indexOf(marker) < 0 && (b = in.read()) >= 0) {
            seen.append((char) b);
        }
        return seen.toString();
    }
}

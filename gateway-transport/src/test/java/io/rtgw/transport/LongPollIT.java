package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.auth.AuthFailure;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LongPollIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = token("alice", "acme", "room:*");
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private HttpRequest request(String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.http(pathAndQuery)).GET().timeout(Duration.ofSeconds(70));
        headers.forEach(b::header);
        return b.build();
    }

    private CompletableFuture<HttpResponse<String>> pollAsync(String query) {
        return SseClient.HTTP.sendAsync(request("/poll?" + query, Map.of("Authorization", "Bearer " + ALICE)),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode poll(String query) throws Exception {
        HttpResponse<String> r = pollAsync(query).get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<JsonNode> items(JsonNode answer) {
        return StreamSupport.stream(answer.path("messages").spliterator(), false).toList();
    }

    private static List<String> dataOf(JsonNode answer, String channel) {
        return items(answer).stream().filter(i -> i.path("type").asText().equals("message")
                && i.path("channel").asText().equals(channel)).map(i -> i.path("data").toString()).toList();
    }

    @Test
    void withoutACursorAnswersAtOnceWithTheCurrentPosition() throws Exception {
        node = new TestNode();
        node.publish("acme", "room:a", "\"old\"");
        JsonNode answer = poll("channel=room:a&channel=room:b");
        assertThat(items(answer)).isEmpty();
        Cursor cursor = Cursor.decode(answer.path("cursor").asText(), List.of("room:a", "room:b", "user:alice"));
        assertThat(cursor.position(0).offset()).isEqualTo(1);
        assertThat(cursor.position(1).offset()).isZero();
    }

    @Test
    void answersAtOnceWithWhatIsNewerThanTheCursorInTheWebSocketItemFormat() throws Exception {
        node = new TestNode();
        String cursor = poll("channel=room:a&channel=room:b").path("cursor").asText();
        node.publish("acme", "room:a", "{\"n\":1}");
        node.publish("acme", "room:b", "{\"n\":2}");
        node.publish("acme", "user:alice", "{\"n\":3}");
        JsonNode answer = poll("channel=room:a&channel=room:b&cursor=" + cursor);
        assertThat(items(answer)).hasSize(3);
        JsonNode first = items(answer).stream().filter(i -> i.path("channel").asText().equals("room:a")).findFirst().orElseThrow();
        assertThat(first.path("type").asText()).isEqualTo("message");
        assertThat(first.path("event").asText()).isEqualTo("message");
        assertThat(first.path("id").asText()).isNotBlank();
        assertThat(first.path("data").path("n").asInt()).isEqualTo(1);
        assertThat(dataOf(answer, "user:alice")).containsExactly("{\"n\":3}");
        assertThat(answer.path("cursor").asText()).isNotEqualTo(cursor);
    }

    @Test
    void holdsUntilALiveMessageAndSkipsLiveOnlyOnes() throws Exception {
        node = new TestNode();
        String cursor = poll("channel=room:a").path("cursor").asText();
        CompletableFuture<HttpResponse<String>> held = pollAsync("channel=room:a&timeout=55&cursor=" + cursor);
        ChannelName room = ChannelName.of("acme", "room:a");
        await().until(() -> node.hub.subscriberCount(room) == 1);
        node.hub.onPublication(new Publication(room, null, "message", "\"live only\"", 0));
        node.publish("acme", "room:a", "\"wake up\"");
        JsonNode answer = JSON.readTree(held.get().body());
        assertThat(dataOf(answer, "room:a")).containsExactly("\"wake up\"");
        await().until(() -> node.hub.subscriberCount(room) == 0); // the poll's session is gone
    }

    @Test
    void answersEmptyAtTheTimeoutWithTheSamePosition() throws Exception {
        node = new TestNode();
        String cursor = poll("channel=room:a").path("cursor").asText();
        CompletableFuture<HttpResponse<String>> held = pollAsync("channel=room:a&timeout=1&cursor=" + cursor);
        await().atMost(Duration.ofSeconds(10)).until(held::isDone);
        JsonNode answer = JSON.readTree(held.get().body());
        assertThat(items(answer)).isEmpty();
        assertThat(answer.path("cursor").asText()).isEqualTo(cursor);
    }

    @Test
    void anUnreadableCursorAnswersAGapForEveryChannel() throws Exception {
        node = new TestNode();
        JsonNode answer = poll("channel=room:a&channel=room:b&cursor=bogus");
        assertThat(items(answer)).extracting(i -> i.path("type").asText() + " " + i.path("channel").asText())
                .containsExactlyInAnyOrder("gap room:a", "gap room:b", "gap user:alice");
        assertThat(Cursor.decode(answer.path("cursor").asText(), List.of("room:a", "room:b", "user:alice"))).isNotNull();
    }

    @Test
    void refusalsAreHttpStatuses() throws Exception {
        node = new TestNode();
        assertThat(SseClient.get(node.http("/poll?channel=room:a"), Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> cookie = SseClient.get(node.http("/poll?channel=room:a"), Map.of("Cookie", "rtgw_token=expired"));
        assertThat(cookie.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(cookie.body()).path("error").asText()).isEqualTo("token_expired");
        Map<String, String> alice = Map.of("Authorization", "Bearer " + ALICE);
        assertThat(SseClient.get(node.http("/poll?channel=secret:1"), alice).statusCode()).isEqualTo(403);
        assertThat(SseClient.get(node.http("/poll?channel=room:a&timeout=soon"), alice).statusCode()).isEqualTo(400);
        assertThat(SseClient.get(node.http("/poll?channel=room:a&channel=room:a"), alice).statusCode()).isEqualTo(400);
        assertThat(node.observer.authFailures).contains(AuthFailure.MISSING, AuthFailure.EXPIRED, AuthFailure.FORBIDDEN);
    }

    @Test
    void aClientThatLeavesWhileThePollWaitsLeavesNothingBehind() throws Exception {
        node = new TestNode();
        String cursor = poll("channel=room:a").path("cursor").asText();
        ChannelName room = ChannelName.of("acme", "room:a");
        int closesBefore = node.observer.closes.size();
        try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /poll?channel=room:a&timeout=55&cursor=" + cursor + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + ALICE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().until(() -> node.hub.subscriberCount(room) == 1);
        }
        await().until(() -> node.hub.subscriberCount(room) == 0 && node.observer.closes.size() == closesBefore + 1);
    }

    @Test
    void whileDrainingPollsAreAnsweredAtOnceAndTheConnectionIsClosed() throws Exception {
        node = new TestNode();
        String cursor = poll("channel=room:a").path("cursor").asText();
        node.context.drain().start();
        try (Socket socket = new Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /poll?channel=room:a&timeout=55&cursor=" + cursor + " HTTP/1.1\r\n"
                    + "Host: x\r\nAuthorization: Bearer " + ALICE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8); // ends when the server closes
            assertThat(all).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                    .contains("\"cursor\":\"" + cursor + "\"");
        }
    }

    @Test
    void aLoopOfPollsSeesEveryMessageExactlyOnceWhilePublishersRun() throws Exception {
        node = new TestNode(1000, s -> s);
        List<String> channels = List.of("room:p1", "room:p2");
        String query = "channel=room:p1&channel=room:p2&timeout=1";
        String cursor = poll(query).path("cursor").asText();
        int total = 300;
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 1; i <= total; i++) {
                    for (String ch : channels) {
                        node.publish("acme", ch, String.valueOf(i));
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        List<List<String>> seen = List.of(new ArrayList<>(), new ArrayList<>());
        int polls = 0;
        while (seen.get(0).size() < total || seen.get(1).size() < total) {
            assertThat(++polls).as("polls").isLessThan(2000);
            JsonNode answer = poll(query + "&cursor=" + cursor);
            assertThat(items(answer)).noneMatch(i -> i.path("type").asText().equals("gap"));
            for (int c = 0; c < channels.size(); c++) {
                seen.get(c).addAll(dataOf(answer, channels.get(c)));
            }
            cursor = answer.path("cursor").asText();
        }
        publisher.join();
        List<String> expected = IntStream.rangeClosed(1, total).mapToObj(String::valueOf).toList();
        assertThat(seen.get(0)).containsExactlyElementsOf(expected);
        assertThat(seen.get(1)).containsExactlyElementsOf(expected);
    }
}

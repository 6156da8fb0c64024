package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.ChannelName;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.auth.AuthFailure;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROOMS = List.of("room:a", "room:b", "room:c");
    private TestNode node;
    private final List<SseClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(SseClient::close);
        if (node != null) {
            node.close();
        }
    }

    private SseClient open(String pathAndQuery, Map<String, String> headers) throws Exception {
        SseClient c = SseClient.open(node.http(pathAndQuery), headers);
        clients.add(c);
        return c;
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String query(List<String> channels) {
        return channels.stream().map(c -> "channel=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "/sse?", ""));
    }

    private static List<String> numbered(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "\"" + prefix + i + "\"").collect(Collectors.toList());
    }

    @Test
    void startsWithRetryAndConnectedThenDeliversEveryChannelInOrder() throws Exception {
        node = new TestNode();
        SseClient c = open(query(ROOMS), bearer(token("alice", "acme", "room:*")));
        assertThat(c.status).isEqualTo(200);
        assertThat(c.headers.firstValue("content-type")).hasValue("text/event-stream");
        assertThat(c.headers.firstValue("cache-control")).hasValue("no-cache");
        assertThat(c.headers.firstValue("x-accel-buffering")).hasValue("no");
        SseClient.Event connected = c.connected();
        assertThat(c.events.get(0)).isSameAs(connected);
        assertThat(c.retries.get(0)).isEqualTo(2000);
        assertThat(connected.id()).isNotBlank();
        assertThat(connected.data().path("channels").toString())
                .isEqualTo("[\"room:a\",\"room:b\",\"room:c\",\"user:alice\"]");
        for (String room : ROOMS) {
            for (int i = 1; i <= 3; i++) {
                node.publish("acme", room, "\"" + room + i + "\"");
            }
        }
        node.publish("acme", "user:alice", "\"personal\"");
        await().until(() -> c.dataOf("user:alice").size() == 1);
        for (String room : ROOMS) {
            assertThat(c.dataOf(room)).containsExactlyElementsOf(numbered(room, 1, 3));
        }
        SseClient.Event last = c.events.get(c.events.size() - 1);
        assertThat(last.event()).isEqualTo("message");
        assertThat(last.id()).isEqualTo(c.lastEventId);
        assertThat(last.data().path("id").asText()).endsWith("." + ((io.rtgw.core.broker.InMemoryBroker) node.broker).epoch());
    }

    @Test
    void aReconnectWithLastEventIdDeliversExactlyTheMissedMessagesOfEveryChannel() throws Exception {
        node = new TestNode();
        String alice = token("alice", "acme", "room:*");
        SseClient first = open(query(ROOMS), bearer(alice));
        first.connected();
        for (String room : ROOMS) {
            node.publish("acme", room, "\"" + room + "0\"");
        }
        await().until(() -> ROOMS.stream().allMatch(r -> first.dataOf(r).size() == 1));
        first.close();
        String lastEventId = first.lastEventId;
        ChannelName a = ChannelName.of("acme", "room:a");
        await().until(() -> node.hub.subscriberCount(a) == 0); // the server saw the drop
        for (String room : ROOMS) {
            for (int i = 1; i <= 5; i++) {
                node.publish("acme", room, "\"" + room + i + "\"");
            }
        }
        node.publish("acme", "user:alice", "\"while away\"");

        SseClient again = open(query(ROOMS), Map.of("Authorization", "Bearer " + alice, "Last-Event-ID", lastEventId));
        JsonNode recovered = again.connected().data().path("recovered");
        for (String channel : List.of("room:a", "room:b", "room:c", "user:alice")) {
            assertThat(recovered.path(channel).asBoolean()).as(channel).isTrue();
        }
        for (String room : ROOMS) {
            node.publish("acme", room, "\"" + room + "6\"");
        }
        await().until(() -> ROOMS.stream().allMatch(r -> again.dataOf(r).size() == 6));
        for (String room : ROOMS) {
            assertThat(again.dataOf(room)).containsExactlyElementsOf(numbered(room, 1, 6));
        }
        assertThat(again.dataOf("user:alice")).containsExactly("\"while away\"");
        assertThat(again.named("rtgw.gap")).isEmpty();
    }

    @Test
    void theCursorQueryParameterResumesAFirstRequest() throws Exception {
        node = new TestNode();
        String alice = token("alice", "acme", "room:*");
        SseClient first = open(query(ROOMS), bearer(alice));
        String cursor = first.connected().id();
        first.close();
        node.publish("acme", "room:b", "\"missed\"");
        SseClient again = open(query(ROOMS) + "&cursor=" + cursor, bearer(alice));
        await().until(() -> again.dataOf("room:b").size() == 1);
        assertThat(again.dataOf("room:b")).containsExactly("\"missed\"");
        assertThat(again.connected().data().path("recovered").path("room:b").asBoolean()).isTrue();
    }

    @Test
    void anUnreadableCursorGivesAGapOnEveryChannelNeverAnError() throws Exception {
        node = new TestNode();
        SseClient c = open(query(ROOMS) + "&cursor=not-a-cursor", bearer(token("alice", "acme", "room:*")));
        assertThat(c.status).isEqualTo(200);
        c.connected();
        List<String> all = List.of("room:a", "room:b", "room:c", "user:alice");
        await().until(() -> c.named("rtgw.gap").size() == 4);
        assertThat(c.named("rtgw.gap")).extracting(e -> e.data().path("channel").asText())
                .containsExactlyInAnyOrderElementsOf(all);
        // A cursor of another channel list is unreadable for this one.
        SseClient other = open(query(List.of("room:x")), bearer(token("alice", "acme", "room:*")));
        String foreign = other.connected().id();
        SseClient d = open(query(ROOMS), Map.of("Authorization", "Bearer " + token("alice", "acme", "room:*"),
                "Last-Event-ID", foreign));
        await().until(() -> d.named("rtgw.gap").size() == 4);
        assertThat(c.connected().data().path("recovered").path("room:a").asBoolean()).isFalse();
    }

    @Test
    void refusalsThatMustNotBeRetriedAreHttpErrors() throws Exception {
        node = new TestNode();
        HttpResponse<String> missing = SseClient.get(node.http("/sse?channel=room:a"), Map.of());
        assertThat(missing.statusCode()).isEqualTo(401);
        HttpResponse<String> bad = SseClient.get(node.http("/sse?channel=room:a"), bearer("garbage"));
        assertThat(bad.statusCode()).isEqualTo(401);
        HttpResponse<String> expired = SseClient.get(node.http("/sse?channel=room:a"), bearer("expired"));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(expired.body()).path("error").asText()).isEqualTo("token_expired");
        HttpResponse<String> forbidden = SseClient.get(node.http("/sse?channel=room:a&channel=secret:1"),
                bearer(token("alice", "acme", "room:*")));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(forbidden.body()).path("message").asText()).contains("secret:1");
        HttpResponse<String> badName = SseClient.get(node.http("/sse?channel=room%20a"), bearer(token("alice", "acme", "room:*")));
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badName.body()).path("message").asText()).contains("may only contain");
        List<String> tooMany = IntStream.range(0, 65).mapToObj(i -> "room:" + i).toList();
        assertThat(SseClient.get(node.http(query(tooMany)), bearer(token("alice", "acme", "room:*"))).statusCode())
                .isEqualTo(400);
        assertThat(node.observer.authFailures).contains(AuthFailure.MISSING, AuthFailure.INVALID, AuthFailure.EXPIRED,
                AuthFailure.FORBIDDEN);
    }

    @Test
    void anExpiredCookieTokenAndADrainingNodeAnswerAStreamThatSaysWhyAndWhenToRetry() throws Exception {
        node = new TestNode();
        SseClient cookie = open("/sse?channel=room:a", Map.of("Cookie", "rtgw_token=expired"));
        assertThat(cookie.status).isEqualTo(200);
        cookie.awaitEnd();
        assertThat(cookie.named("rtgw.close")).singleElement()
                .satisfies(e -> assertThat(e.data().path("reason").asText()).isEqualTo("token_expired"));
        assertThat(cookie.retries).hasSize(2);
        assertThat(cookie.retries.get(1)).isBetween(10_000L, 30_000L); // longer: the cookie was stale on arrival

        node.context.drain().start();
        SseClient draining = open("/sse?channel=room:a", bearer(token("alice", "acme", "room:*")));
        assertThat(draining.status).isEqualTo(200);
        draining.awaitEnd();
        assertThat(draining.named("rtgw.close")).singleElement()
                .satisfies(e -> assertThat(e.data().path("reason").asText()).isEqualTo("shutdown"));
        assertThat(draining.retries.get(draining.retries.size() - 1)).isBetween(1000L, 5000L);
        await().until(() -> node.observer.closes.contains(DisconnectReason.SHUTDOWN)
                && node.observer.closes.contains(DisconnectReason.TOKEN_EXPIRED));
    }

    @Test
    void reconnectingWhilePublishersRunLosesNothingAndDuplicatesNothing() throws Exception {
        node = new TestNode(1000, s -> s);
        String alice = token("alice", "acme", "room:*");
        List<String> channels = List.of("room:r1", "room:r2");
        int total = 400;
        SseClient first = open(query(channels), bearer(alice));
        first.connected();
        java.util.concurrent.CountDownLatch firstDropped = new java.util.concurrent.CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 1; i <= total; i++) {
                    if (i == 101) {
                        // The rest is published while the second stream connects and catches up.
                        firstDropped.await();
                    }
                    for (String ch : channels) {
                        node.publish("acme", ch, String.valueOf(i));
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        await().until(() -> first.dataOf("room:r2").size() >= 50);
        first.close();
        firstDropped.countDown();
        SseClient second = open(query(channels), Map.of("Authorization", "Bearer " + alice,
                "Last-Event-ID", first.lastEventId));
        publisher.join();
        await().until(() -> channels.stream().allMatch(ch -> second.dataOf(ch).contains(String.valueOf(total))));
        List<String> expected = IntStream.rangeClosed(1, total).mapToObj(String::valueOf).toList();
        for (String ch : channels) {
            List<String> seen = new ArrayList<>(first.dataOf(ch));
            seen.addAll(second.dataOf(ch));
            assertThat(seen).as(ch).containsExactlyElementsOf(expected);
        }
        assertThat(second.named("rtgw.gap")).isEmpty();
    }

    @Test
    void http10RequestsGetACloseDelimitedStreamWithoutChunkedEncoding() throws Exception {
        node = new TestNode();
        String request = "GET /sse?channel=room:a HTTP/1.0\r\nAuthorization: Bearer " + token("alice", "acme", "room:*")
                + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.0 200 OK");
            List<String> head = new ArrayList<>();
            for (String line; !(line = in.readLine()).isEmpty(); ) {
                head.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(head).contains("connection: close", "content-type: text/event-stream")
                    .noneMatch(h -> h.startsWith("transfer-encoding") || h.startsWith("content-length"));
            // The body is the event stream itself: no chunk-size lines anywhere.
            assertThat(in.readLine()).isEqualTo("retry: 2000");
            assertThat(in.readLine()).isEmpty();
            assertThat(in.readLine()).startsWith("id: ");
            assertThat(in.readLine()).isEqualTo("event: rtgw.connected");
            assertThat(in.readLine()).startsWith("data: {");
            assertThat(in.readLine()).isEmpty();
            node.publish("acme", "room:a", "\"over http/1.0\"");
            assertThat(in.readLine()).startsWith("id: ");
            assertThat(in.readLine()).isEqualTo("event: message");
            assertThat(in.readLine()).startsWith("data: {").endsWith("\"data\":\"over http/1.0\"}");
        }
        // The end of such a stream is the end of the connection.
        node.context.drain().start();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            assertThat(body).matches("retry: 2000\n\nretry: [1-5]\\d{3}\nevent: rtgw.close\n"
                    + "data: \\{\"reason\":\"shutdown\",\"reconnect\":true\\}\n\n");
        }
    }

    @Test
    void pingsFollowTheHeartbeat() throws Exception {
        node = new TestNode(s -> s.withHeartbeat(java.time.Duration.ofSeconds(1)));
        SseClient c = open("/sse?channel=room:a", bearer(token("alice", "acme", "room:*")));
        c.connected();
        c.await("rtgw.ping", e -> true);
        assertThat(c.connected().data().path("heartbeat").asInt()).isEqualTo(1);
    }
}

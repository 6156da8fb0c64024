package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.auth.AuthFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketIT {
    private TestNode node;
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (node != null) {
            node.close();
        }
    }

    private WsClient connect(String bearer) throws Exception {
        WsClient c = WsClient.connect(node.uri("/ws"), bearer);
        clients.add(c);
        return c;
    }

    @Test
    void welcomesSubscribesAndDeliversPublications() throws Exception {
        node = new TestNode();
        WsClient alice = connect(token("alice", "acme", "room:*"));
        JsonNode welcome = alice.await("welcome", n -> true);
        assertThat(welcome.path("user").asText()).isEqualTo("alice");
        assertThat(welcome.path("tenant").asText()).isEqualTo("acme");
        assertThat(welcome.path("heartbeat").asInt()).isEqualTo(25);
        assertThat(welcome.path("channels").toString()).isEqualTo("[\"user:alice\"]");
        alice.subscribed("user:alice");
        alice.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
        JsonNode subscribed = alice.subscribed("room:1");
        assertThat(subscribed.path("recovered").asBoolean()).isFalse();
        assertThat(StreamPosition.parse(subscribed.path("position").asText())).isNotNull();
        node.publish("acme", "room:1", "{\"text\":\"hi\"}");
        JsonNode message = alice.await("message", n -> true);
        assertThat(message.path("channel").asText()).isEqualTo("room:1");
        assertThat(message.path("event").asText()).isEqualTo("message");
        assertThat(message.path("data").path("text").asText()).isEqualTo("hi");
        assertThat(StreamPosition.parse(message.path("id").asText()).offset()).isEqualTo(1);
    }

    @Test
    void tenantsWithTheSameChannelNameSeeOnlyTheirOwn() throws Exception {
        node = new TestNode();
        WsClient a = connect(token("u", "tenant-a", "room:1"));
        WsClient b = connect(token("u", "tenant-b", "room:1"));
        for (WsClient c : List.of(a, b)) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
            c.subscribed("room:1");
        }
        node.publish("tenant-a", "room:1", "\"for a\"");
        node.publish("tenant-b", "room:1", "\"for b\"");
        node.publish("tenant-a", "user:u", "\"personal a\"");
        await().until(() -> a.ofType("message").size() == 2 && b.dataOf("room:1").size() == 1);
        assertThat(a.dataOf("room:1")).containsExactly("\"for a\"");
        assertThat(a.dataOf("user:u")).containsExactly("\"personal a\"");
        assertThat(b.dataOf("room:1")).containsExactly("\"for b\"");
        assertThat(b.dataOf("user:u")).isEmpty();
    }

    @Test
    void resubscribingWithSinceDeliversExactlyTheMissedMessagesOfEveryChannel() throws Exception {
        node = new TestNode();
        String[] channels = {"room:a", "room:b", "room:c"};
        WsClient first = connect(token("alice", "acme", "room:*"));
        Map<String, String> lastSeen = new java.util.HashMap<>();
        for (String ch : channels) {
            first.send("{\"type\":\"subscribe\",\"channel\":\"" + ch + "\"}");
            first.subscribed(ch);
            node.publish("acme", ch, "\"seen\"");
        }
        await().until(() -> first.ofType("message").size() == 3);
        for (String ch : channels) {
            lastSeen.put(ch, first.idsOf(ch).get(0));
        }
        first.close();
        for (String ch : channels) {
            for (int i = 0; i < 5; i++) {
                node.publish("acme", ch, "\"" + ch + "-" + i + "\"");
            }
        }
        WsClient again = connect(token("alice", "acme", "room:*"));
        for (String ch : channels) {
            again.send("{\"type\":\"subscribe\",\"channel\":\"" + ch + "\",\"since\":\"" + lastSeen.get(ch) + "\"}");
        }
        for (String ch : channels) {
            JsonNode s = again.subscribed(ch);
            assertThat(s.path("recovered").asBoolean()).isTrue();
            assertThat(s.path("position").asText()).isEqualTo(lastSeen.get(ch));
        }
        for (String ch : channels) {
            node.publish("acme", ch, "\"live\"");
        }
        await().until(() -> again.ofType("message").size() == 18);
        for (String ch : channels) {
            assertThat(again.dataOf(ch)).containsExactly("\"" + ch + "-0\"", "\"" + ch + "-1\"", "\"" + ch + "-2\"",
                    "\"" + ch + "-3\"", "\"" + ch + "-4\"", "\"live\"");
        }
        assertThat(again.ofType("gap")).isEmpty();
    }

    @Test
    void theSubscribedPositionAloneResumesWithoutLossWhenNothingArrivedYet() throws Exception {
        node = new TestNode();
        WsClient first = connect(token("alice", "acme", "room:*"));
        first.send("{\"type\":\"subscribe\",\"channel\":\"room:quiet\"}");
        String position = first.subscribed("room:quiet").path("position").asText();
        first.close();
        for (int i = 1; i <= 3; i++) {
            node.publish("acme", "room:quiet", String.valueOf(i));
        }
        WsClient again = connect(token("alice", "acme", "room:*"));
        again.send("{\"type\":\"subscribe\",\"channel\":\"room:quiet\",\"since\":\"" + position + "\"}");
        assertThat(again.subscribed("room:quiet").path("recovered").asBoolean()).isTrue();
        await().until(() -> again.dataOf("room:quiet").size() == 3);
        assertThat(again.dataOf("room:quiet")).containsExactly("1", "2", "3");
        assertThat(again.ofType("gap")).isEmpty();
    }

    @Test
    void aResumeBeyondTheBufferGetsAGapNotice() throws Exception {
        node = new TestNode(); // history keeps 20
        WsClient c = connect(token("alice", "acme", "room:*"));
        StreamPosition old = node.publish("acme", "room:g", "0");
        for (int i = 1; i <= 30; i++) {
            node.publish("acme", "room:g", String.valueOf(i));
        }
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:g\",\"since\":\"" + old + "\"}");
        JsonNode s = c.subscribed("room:g");
        assertThat(s.path("recovered").asBoolean()).isFalse();
        c.await("gap", n -> n.path("channel").asText().equals("room:g"));
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:h\",\"since\":\"not-an-id\"}");
        c.await("gap", n -> n.path("channel").asText().equals("room:h"));
        assertThat(c.ofType("error")).isEmpty();
    }

    @Test
    void publishersRunningDuringCatchUpCauseNoLossAndNoDuplicate() throws Exception {
        node = new TestNode(s -> s);
        WsClient c = connect(token("alice", "acme", "room:*"));
        StreamPosition since = node.publish("acme", "room:race", "0");
        for (int i = 1; i <= 10; i++) {
            node.publish("acme", "room:race", String.valueOf(i));
        }
        AtomicBoolean done = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 11; i <= 300; i++) {
                    node.publish("acme", "room:race", String.valueOf(i));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                done.set(true);
            }
        });
        // history keeps 20: the subscribe must land while the 20 newest still include offset 1
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:race\",\"since\":\"" + since + "\"}");
        c.subscribed("room:race");
        publisher.start();
        publisher.join();
        await().until(() -> c.dataOf("room:race").size() >= 300);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(c.dataOf("room:race")).containsExactlyElementsOf(expected);
    }

    @Test
    void firstMessageAuthenticationWorksAndSilenceIsRefused() throws Exception {
        // The default 5 s auth timeout, not a short one: `late` must get its auth message in before
        // it, and on a busy machine the gap between upgrade and first message is not always small.
        node = new TestNode();
        WsClient late = connect(null);
        late.send("{\"type\":\"auth\",\"token\":\"" + token("bob", "acme") + "\"}");
        assertThat(late.await("welcome", n -> true).path("user").asText()).isEqualTo("bob");
        WsClient silent = connect(null);
        silent.awaitClose();
        assertThat(silent.closeCode).isEqualTo(4401);
        assertThat(node.observer.authFailures).contains(AuthFailure.TIMEOUT);
    }

    @Test
    void badAndExpiredTokensCloseRightAfterTheUpgrade() throws Exception {
        node = new TestNode();
        WsClient bad = connect("garbage");
        bad.awaitClose();
        assertThat(bad.closeCode).isEqualTo(4401);
        assertThat(bad.closeReason).isEqualTo("unauthorized");
        WsClient expired = connect("expired");
        expired.awaitClose();
        assertThat(expired.closeCode).isEqualTo(4001);
        WsClient notAuthFirst = connect(null);
        notAuthFirst.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
        notAuthFirst.awaitClose();
        assertThat(notAuthFirst.closeCode).isEqualTo(4401);
        assertThat(node.observer.authFailures).contains(AuthFailure.INVALID, AuthFailure.EXPIRED, AuthFailure.MISSING);
    }

    @Test
    void malformedJsonClosesWith1007() throws Exception {
        node = new TestNode();
        WsClient c = connect(token("alice", "acme"));
        c.await("welcome", n -> true);
        c.send("{not json");
        c.awaitClose();
        assertThat(c.closeCode).isEqualTo(1007);
        await().until(() -> node.observer.closes.contains(DisconnectReason.INVALID_JSON));
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesWith1007AndIsNotFannedOut() throws Exception {
        node = new TestNode();
        WsClient bystander = connect(token("bob", "acme", "room:*"));
        bystander.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
        bystander.subscribed("room:1");
        byte[] head = "{\"type\":\"publish\",\"channel\":\"room:1\",\"data\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] invalid = {(byte) 0xc3, 0x28, (byte) 0xff}; // a broken two-byte sequence and a byte UTF-8 never uses
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[head.length + invalid.length + tail.length];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(invalid, 0, payload, head.length, invalid.length);
        System.arraycopy(tail, 0, payload, head.length + invalid.length, tail.length);
        try (RawWebSocket raw = new RawWebSocket(node.server.address(), token("mallory", "acme", "room:*"))) {
            raw.sendFrame(0x1, payload);
            assertThat(raw.awaitCloseCode(WsClient.PATIENCE)).isEqualTo(1007);
        }
        await().until(() -> node.observer.closes.contains(DisconnectReason.INVALID_JSON));
        assertThat(node.observer.parseErrors.get()).isPositive();
        // the next publication is the first the bystander sees: nothing with U+FFFD went out
        node.publish("acme", "room:1", "\"after\"");
        await().until(() -> bystander.dataOf("room:1").contains("\"after\""));
        assertThat(bystander.dataOf("room:1")).containsExactly("\"after\"");
    }

    @Test
    void everySubscribeOfAQuickChurnIsAnsweredInOrderAndAPublishAfterItReachesTheSender() throws Exception {
        int pairs = 75;
        node = new TestNode(s -> s, new AbuseLimits(0, 0, 0, 1000, 2 * pairs + 10, 0, 0, a -> false,
                AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT));
        WsClient c = connect(token("alice", "acme", "room:*"));
        c.subscribed("user:alice");
        for (int i = 0; i < pairs; i++) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"room:" + i % 5 + "\",\"ref\":\"s" + i + "\"}");
            c.send("{\"type\":\"unsubscribe\",\"channel\":\"room:" + i % 5 + "\",\"ref\":\"u" + i + "\"}");
        }
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:last\",\"ref\":\"last\"}");
        c.send("{\"type\":\"publish\",\"channel\":\"room:last\",\"data\":\"mine\",\"ref\":\"p\"}");
        await().until(() -> c.dataOf("room:last").contains("\"mine\"") && !c.ofType("ack").isEmpty()
                && answersTo(c, "s").size() == pairs && answersTo(c, "u").size() == pairs);
        // answers to different channels may interleave (each waits for its own read); per channel
        // they come in the order sent, and with subscribe/unsubscribe alternating none is refused
        for (int k = 0; k < 5; k++) {
            List<String> expected = new ArrayList<>();
            for (int i = k; i < pairs; i += 5) {
                expected.add("subscribed s" + i);
                expected.add("unsubscribed u" + i);
            }
            String channel = "room:" + k;
            assertThat(c.received.stream().filter(n -> n.path("channel").asText().equals(channel))
                    .map(n -> n.path("type").asText() + " " + n.path("ref").asText()).toList())
                    .as("answers on %s", channel).isEqualTo(expected);
        }
        List<String> order = c.received.stream()
                .filter(n -> n.path("ref").asText().equals("last") || n.path("ref").asText().equals("p"))
                .map(n -> n.path("type").asText()).toList();
        assertThat(order).containsExactly("subscribed", "ack");
        assertThat(c.closeCode).isEqualTo(-1);
    }

    /** The replies (of any type) whose ref starts with {@code prefix}. */
    private static List<String> answersTo(WsClient c, String prefix) {
        return c.received.stream().map(n -> n.path("ref").asText()).filter(r -> r.startsWith(prefix)).toList();
    }

    @Test
    void binaryFramesCloseWith1003() throws Exception {
        node = new TestNode();
        WsClient c = connect(token("alice", "acme"));
        c.await("welcome", n -> true);
        c.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        c.awaitClose();
        assertThat(c.closeCode).isEqualTo(1003);
    }

    @Test
    void framesOverTheLimitCloseWith1009AndOthersAreUnaffected() throws Exception {
        node = new TestNode(s -> s.withMaxMessageBytes(1024));
        WsClient bystander = connect(token("bob", "acme", "room:*"));
        bystander.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
        bystander.subscribed("room:1");
        WsClient c = connect(token("alice", "acme"));
        c.await("welcome", n -> true);
        c.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"data\":\"" + "x".repeat(2000) + "\"}");
        c.awaitClose();
        assertThat(c.closeCode).isEqualTo(1009);
        node.publish("acme", "room:1", "1");
        await().until(() -> bystander.dataOf("room:1").size() == 1);
    }

    @Test
    void badCommandsAreAnsweredWithErrorsAndTheConnectionStays() throws Exception {
        node = new TestNode();
        WsClient c = connect(token("alice", "acme", "room:*", "chat:*"));
        c.await("welcome", n -> true);
        c.send("{\"type\":\"dance\",\"ref\":\"1\"}");
        c.send("[1,2]");
        c.send("{\"type\":\"subscribe\",\"channel\":\"bad channel\"}");
        c.send("{\"type\":\"subscribe\",\"channel\":\"secret:1\"}");
        c.send("{\"type\":\"subscribe\"}");
        c.send("{\"type\":\"publish\",\"channel\":\"room:1\",\"ref\":\"p\"}");
        await().until(() -> c.ofType("error").size() == 6);
        assertThat(c.ofType("error")).extracting(n -> n.path("code").asText())
                .containsExactly("bad_request", "bad_request", "bad_request", "forbidden", "bad_request", "bad_request");
        assertThat(c.ofType("error").get(0).path("ref").asText()).isEqualTo("1");
        assertThat(c.ofType("error")).allSatisfy(e -> assertThat(e.path("temporary").isBoolean()).isTrue());
        assertThat(c.ofType("error")).extracting(e -> e.path("channel").asText(null))
                .containsExactly(null, null, "bad channel", "secret:1", null, "room:1");
        c.send("{\"type\":\"publish\",\"channel\":\"chat:1\",\"event\":\"say\",\"data\":{\"a\" : 1},\"ref\":\"ok\"}");
        JsonNode ack = c.await("ack", n -> true);
        assertThat(ack.path("ref").asText()).isEqualTo("ok");
        assertThat(StreamPosition.parse(ack.path("id").asText())).isNotNull();
        assertThat(c.closeCode).isEqualTo(-1);
    }

    @Test
    void everyReplyToSubscribeAndUnsubscribeEchoesItsRefAndNamesTheChannel() throws Exception {
        node = new TestNode();
        WsClient c = connect(token("alice", "acme", "room:*"));
        assertThat(c.subscribed("user:alice").has("ref")).isFalse();
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\",\"ref\":\"s1\"}");
        assertThat(c.subscribed("room:1").path("ref").asText()).isEqualTo("s1");
        c.send("{\"type\":\"subscribe\",\"channel\":\"room:1\",\"ref\":\"s2\"}");
        c.send("{\"type\":\"subscribe\",\"channel\":\"secret:1\",\"ref\":\"s3\"}");
        c.send("{\"type\":\"unsubscribe\",\"channel\":\"room:1\",\"ref\":\"u1\"}");
        c.send("{\"type\":\"unsubscribe\",\"channel\":\"room:1\",\"ref\":\"u2\"}");
        await().until(() -> c.ofType("error").size() == 3 && c.ofType("unsubscribed").size() == 1);
        assertThat(c.ofType("error")).extracting(e -> e.path("ref").asText() + " " + e.path("channel").asText()
                        + " " + e.path("code").asText() + " " + e.path("temporary").asBoolean())
                .containsExactly("s2 room:1 bad_request false", "s3 secret:1 forbidden false",
                        "u2 room:1 bad_request false");
        JsonNode unsubscribed = c.ofType("unsubscribed").get(0);
        assertThat(unsubscribed.path("channel").asText()).isEqualTo("room:1");
        assertThat(unsubscribed.path("reason").asText()).isEqualTo("client");
        assertThat(unsubscribed.path("ref").asText()).isEqualTo("u1");
    }

    @Test
    void aConsumerThatStopsReadingIsClosedAsSlowInsteadOfGrowingMemory() throws Exception {
        node = new TestNode(s -> s.withOutboundQueueBytes(64 * 1024));
        io.rtgw.core.ChannelName flood = io.rtgw.core.ChannelName.of("acme", "room:flood");
        try (RawWebSocket slow = new RawWebSocket(node.server.address(), token("slow", "acme", "room:*"))) {
            slow.sendText("{\"type\":\"subscribe\",\"channel\":\"room:flood\"}");
            WsClient fast = connect(token("fast", "acme", "room:*"));
            fast.send("{\"type\":\"subscribe\",\"channel\":\"room:flood\"}");
            fast.subscribed("room:flood");
            await().until(() -> node.hub.subscriberCount(flood) == 2);
            String big = "\"" + "y".repeat(8000) + "\"";
            int sent = 0;
            // The test paces itself by the fast reader, so only the one that stopped reading falls
            // behind; far more than socket buffers and the 64 KiB queue hold, bounded in any case.
            while (!node.observer.closes.contains(DisconnectReason.SLOW_CONSUMER) && sent < 4000) {
                for (int i = 0; i < 8; i++) {
                    node.publish("acme", "room:flood", big);
                    sent++;
                }
                int expected = sent;
                await().until(() -> fast.dataOf("room:flood").size() == expected);
            }
            assertThat(node.observer.closes).containsExactly(DisconnectReason.SLOW_CONSUMER);
            await().until(() -> node.hub.subscriberCount(flood) == 1);
            node.publish("acme", "room:flood", "\"after\"");
            int total = sent + 1;
            await().until(() -> fast.dataOf("room:flood").size() == total);
            assertThat(fast.closeCode).isEqualTo(-1);
        }
    }
}

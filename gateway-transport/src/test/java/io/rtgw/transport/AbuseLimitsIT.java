package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.DisconnectReason;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each limit refuses with its documented code, and the clients that behave are not affected. */
class AbuseLimitsIT {
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

    private static AbuseLimits limits(int perNode, int perTenant, int perUser, double commandRate, double publishRate,
                                      double connectRate) {
        return new AbuseLimits(perNode, perTenant, perUser, commandRate, commandRate * 2, publishRate, connectRate,
                a -> false, Duration.ofSeconds(1));
    }

    @Test
    void aClientFloodingCommandsIsClosedWhileTheOthersReceiveEveryMessage() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 0, 20, 0, 0));
        WsClient calm = connect(token("calm", "acme", "room:*"));
        calm.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
        calm.subscribed("room:1");
        WsClient flood = connect(token("flood", "acme", "room:*"));
        flood.await("welcome", n -> true);
        for (int i = 0; i < 200 && flood.closeCode == -1; i++) {
            flood.socket().sendText("{\"type\":\"pong\"}", true).exceptionally(e -> null).join();
            if (i % 10 == 0) {
                node.publish("acme", "room:1", String.valueOf(i / 10));
            }
        }
        flood.awaitClose();
        assertThat(flood.closeCode).isEqualTo(4029);
        assertThat(flood.closeReason).isEqualTo("rate_limited");
        node.publish("acme", "room:1", "\"last\"");
        await().until(() -> calm.dataOf("room:1").contains("\"last\""));
        List<String> got = calm.dataOf("room:1");
        assertThat(got.get(got.size() - 1)).isEqualTo("\"last\"");
        for (int i = 0; i < got.size() - 1; i++) {
            assertThat(got.get(i)).isEqualTo(String.valueOf(i));
        }
        assertThat(calm.closeCode).isEqualTo(-1);
    }

    @Test
    void aFloodOfProtocolPingsCountsAsCommandsAndIsClosed4029() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 0, 20, 0, 0));
        try (RawWebSocket raw = new RawWebSocket(node.server.address(), token("flood", "acme"))) {
            try {
                for (int i = 0; i < 500; i++) {
                    raw.sendFrame(0x9, new byte[] {(byte) i});
                }
            } catch (java.io.IOException closedMeanwhile) {
                // the server may close before the last ping is written
            }
            assertThat(raw.awaitCloseCode(WsClient.PATIENCE)).isEqualTo(4029);
        }
        await().until(() -> node.observer.closes.contains(DisconnectReason.RATE_LIMITED));
    }

    @Test
    void publishesOverTheRateGetErrorsAndTheConnectionStays() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 0, 0, 2, 0));
        WsClient c = connect(token("alice", "acme", "chat:*"));
        c.await("welcome", n -> true);
        for (int i = 0; i < 5; i++) {
            c.send("{\"type\":\"publish\",\"channel\":\"chat:1\",\"data\":1,\"ref\":\"" + i + "\"}");
        }
        await().until(() -> c.ofType("ack").size() + c.ofType("error").size() == 5);
        assertThat(c.ofType("error")).isNotEmpty()
                .allSatisfy(e -> {
                    assertThat(e.path("code").asText()).isEqualTo("rate_limited");
                    assertThat(e.path("temporary").asBoolean()).as("the client may retry later").isTrue();
                    assertThat(e.path("channel").asText()).isEqualTo("chat:1");
                });
        assertThat(c.closeCode).isEqualTo(-1);
    }

    @Test
    void connectionsPastAUserTenantOrNodeLimitAreClosed4009() throws Exception {
        node = new TestNode(s -> s, limits(3, 2, 1, 0, 0, 0));
        WsClient first = connect(token("alice", "acme"));
        first.await("welcome", n -> true);
        WsClient again = connect(token("alice", "acme"));
        again.awaitClose();
        assertThat(again.closeCode).isEqualTo(4009);
        connect(token("bob", "acme")).await("welcome", n -> true);
        WsClient third = connect(token("carol", "acme"));
        third.awaitClose();
        assertThat(third.closeCode).isEqualTo(4009);
        connect(token("dan", "beta")).await("welcome", n -> true);
        WsClient overNode = connect(token("erin", "gamma"));
        overNode.awaitClose();
        assertThat(overNode.closeCode).isEqualTo(4009);
        // a slot freed by a close is available again
        first.close();
        await().until(() -> node.context.registry().size() == 2);
        await().untilAsserted(() -> {
            WsClient back = connect(token("alice", "acme"));
            assertThat(back.await("welcome", n -> true).path("user").asText()).isEqualTo("alice");
        });
        assertThat(node.observer.closes).contains(DisconnectReason.LIMIT_REACHED);
    }

    @Test
    void anEventStreamPastTheUserLimitIsToldToRetryLater() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 1, 0, 0, 0));
        String bearer = token("alice", "acme", "room:*");
        try (SseClient first = SseClient.open(node.http("/sse?channel=room:1"), java.util.Map.of("Authorization", "Bearer " + bearer));
             SseClient second = SseClient.open(node.http("/sse?channel=room:1"), java.util.Map.of("Authorization", "Bearer " + bearer))) {
            first.connected();
            SseClient.Event close = second.await("rtgw.close", e -> true);
            assertThat(close.data().path("reason").asText()).isEqualTo("limit_reached");
            assertThat(second.named("rtgw.connected")).isEmpty();
        }
    }

    private java.net.http.HttpResponse<String> poll(String query, String bearer) throws Exception {
        return SseClient.HTTP.send(java.net.http.HttpRequest.newBuilder(node.http("/poll?" + query))
                        .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(30)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLongPollClientCountsAgainstTheUserLimitUntilItsLingerEnds() throws Exception {
        node = new TestNode(s -> s.withSubscriptionLinger(Duration.ofSeconds(1)), limits(0, 0, 1, 0, 0, 0));
        String bearer = token("alice", "acme", "room:*");
        assertThat(poll("channel=room:a", bearer).statusCode()).isEqualTo(200);
        // between polls the node keeps alice's subscriptions, so she holds her slot
        var refused = poll("channel=room:b", bearer);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"limit_reached\"");
        WsClient ws = connect(bearer);
        ws.awaitClose();
        assertThat(ws.closeCode).isEqualTo(4009);
        assertThat(node.observer.closes).contains(DisconnectReason.LIMIT_REACHED);
        // once the linger after her last poll is over the slot is free again
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(poll("channel=room:b", bearer).statusCode()).isEqualTo(200));
    }

    @Test
    void anAddressOpeningConnectionsTooFastIsTurnedAwayWith4029() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 0, 0, 0, 2));
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            WsClient c = connect(token("u" + i, "acme"));
            await().until(() -> c.closeCode != -1 || !c.ofType("welcome").isEmpty());
            codes.add(c.closeCode);
        }
        assertThat(codes).contains(4029);
        assertThat(codes.get(0)).isEqualTo(-1);
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        node = new TestNode(s -> s, limits(0, 0, 0, 0, 0, 0));
        try (Socket idle = new Socket("127.0.0.1", node.server.address().getPort())) {
            InputStream in = idle.getInputStream();
            idle.setSoTimeout(20_000);
            assertThat(in.read()).isEqualTo(-1); // closed by the server after the handshake timeout
        }
    }

    @Test
    void clientAddressesComeFromForwardedForOnlyBehindTrustedProxies() throws Exception {
        var trusted = java.net.InetAddress.getByName("10.0.0.1");
        var request = new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpMethod.GET, "/ws");
        request.headers().set("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.0.0.2");
        java.util.function.Predicate<java.net.InetAddress> proxies = a -> a.getHostAddress().startsWith("10.");
        assertThat(ClientAddress.of(new java.net.InetSocketAddress(trusted, 1), request, proxies).getHostAddress())
                .isEqualTo("203.0.113.9");
        var stranger = java.net.InetAddress.getByName("198.51.100.7");
        assertThat(ClientAddress.of(new java.net.InetSocketAddress(stranger, 1), request, proxies)).isEqualTo(stranger);
        request.headers().set("X-Forwarded-For", "not-an-ip");
        assertThat(ClientAddress.of(new java.net.InetSocketAddress(trusted, 1), request, proxies)).isEqualTo(trusted);
        assertThat(ChannelName.of("acme", "room:1")).isNotNull();
    }
}

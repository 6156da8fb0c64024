package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel with more subscribers per event loop than one flush chunk (FlushBatch), over
 * WebSocket and SSE through the whole node: sessions, the channel's feed and its per-loop
 * fan-out, which a flush inside it must not disturb. Published in a burst (the loop is behind:
 * one flush per connection for several) and one at a time (it keeps up: flushed in chunks).
 */
class LargeFanoutIT {
    /** Over a chunk on each of the node's two loops. */
    private static final int CLIENTS = 2 * FlushBatch.CHUNK + 20;
    private static final String CHANNEL = "room:big";

    private TestNode node;
    private final List<WsClient> sockets = new CopyOnWriteArrayList<>();
    private final List<SseClient> streams = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        sockets.forEach(WsClient::close);
        streams.forEach(SseClient::close);
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everySubscriberGetsEveryPublicationInOrderWhetherTheLoopsAreBehindOrKeepingUp() throws Exception {
        node = new TestNode();
        String bearer = token("fan", "acme", "room:*");
        ExecutorService connecting = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                boolean sse = i % 3 == 2;
                opened.add(connecting.submit(() -> {
                    if (sse) {
                        streams.add(SseClient.open(node.http("/sse?channel=" + CHANNEL),
                                Map.of("Authorization", "Bearer " + bearer)));
                    } else {
                        WsClient c = WsClient.connect(node.uri("/ws"), bearer);
                        sockets.add(c);
                        c.send("{\"type\":\"subscribe\",\"channel\":\"" + CHANNEL + "\"}");
                    }
                    return null;
                }));
            }
            for (Future<?> f : opened) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            connecting.shutdownNow();
        }
        // one wait for all (each wait polls at least once, 100 ms)
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                sockets.stream().allMatch(c -> c.ofType("subscribed").stream()
                        .anyMatch(n -> n.path("channel").asText().equals(CHANNEL)))
                        && streams.stream().allMatch(s -> !s.named("rtgw.connected").isEmpty()));

        for (int i = 1; i <= 5; i++) {
            node.publish("acme", CHANNEL, "\"m" + i + "\"");
        }
        awaitEveryone(numbered(1, 5));
        for (int i = 6; i <= 10; i++) {
            node.publish("acme", CHANNEL, "\"m" + i + "\"");
            awaitEveryone(numbered(1, i));
        }
    }

    private void awaitEveryone(List<String> expected) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                sockets.stream().allMatch(c -> c.dataOf(CHANNEL).size() >= expected.size())
                        && streams.stream().allMatch(s -> s.dataOf(CHANNEL).size() >= expected.size()));
        sockets.forEach(c -> assertThat(c.dataOf(CHANNEL)).isEqualTo(expected));
        streams.forEach(s -> assertThat(s.dataOf(CHANNEL)).isEqualTo(expected));
    }

    private static List<String> numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "\"m" + i + "\"").collect(Collectors.toList());
    }
}

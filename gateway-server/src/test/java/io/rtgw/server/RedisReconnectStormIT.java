package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reconnect storm: 1,000 WebSocket clients (and 50 SSE streams) come back at once, each
 * resuming from the id (cursor) it holds, while publishing goes on. Every client ends up with
 * exactly the publications after its position: none lost, none twice, in order. A correctness
 * test: nothing here measures time.
 */
@Timeout(180)
class RedisReconnectStormIT {
    private static final int CLIENTS = 1000;
    private static final int SSE_CLIENTS = 50;
    private static final int CHANNELS = 10;
    private static final int PER_HTTP_CLIENT = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    private static RunningGateway node;
    private static ExecutorService callbacks;
    private static List<HttpClient> http;

    @BeforeAll
    static void start() throws Exception {
        node = RedisE2e.node(redis.server().uri(), "RTGW_HISTORY_SIZE", "1000", "RTGW_PERSONAL_CHANNEL", "false");
        // a few threads for all the clients' callbacks; one HttpClient (one selector thread) per 100 clients
        callbacks = Executors.newFixedThreadPool(4);
        http = new ArrayList<>();
        for (int i = 0; i < CLIENTS / PER_HTTP_CLIENT; i++) {
            http.add(HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(30)).build());
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (callbacks != null) {
            callbacks.shutdownNow();
        }
    }

    /** A WebSocket client that subscribes one channel on connect and records what it gets. */
    private static final class StormClient implements WebSocket.Listener {
        final String channel;
        final String since;
        final List<String> ids = new CopyOnWriteArrayList<>();
        final AtomicInteger gaps = new AtomicInteger();
        volatile JsonNode subscribed;
        volatile int closeCode = -1;
        volatile WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        StormClient(String channel, String since) {
            this.channel = channel;
            this.since = since;
        }

        CompletableFuture<Void> connect(HttpClient client, String jwt) {
            return client.newWebSocketBuilder().header("Authorization", "Bearer " + jwt).subprotocols("rtgw.v1")
                    .connectTimeout(Duration.ofSeconds(30)).buildAsync(node.ws(), this)
                    .thenCompose(ws -> {
                        socket = ws;
                        return ws.sendText("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\""
                                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}", true);
                    }).thenApply(ws -> null);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = RedisE2e.JSON.readTree(partial.toString());
                    switch (m.path("type").asText()) {
                        case "subscribed" -> subscribed = m;
                        case "message" -> ids.add(m.path("id").asText());
                        case "gap" -> gaps.incrementAndGet();
                        default -> {
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (closeCode == -1) {
                closeCode = 0;
            }
        }

        void abort() {
            if (socket != null) {
                socket.abort();
            }
        }
    }

    /** Publishes round robin over the channels through the HTTP API until stopped; acknowledged ids per channel. */
    private static final class Publisher implements Runnable {
        final Map<String, List<String>> acked = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger count = new AtomicInteger();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final String tenant;

        Publisher(String tenant) {
            this.tenant = tenant;
            for (int c = 0; c < CHANNELS; c++) {
                acked.put("room:s" + c, new CopyOnWriteArrayList<>());
            }
        }

        @Override
        public void run() {
            for (int n = 0; !stop.get(); n++) {
                String channel = "room:s" + (n % CHANNELS);
                try {
                    var r = node.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel
                            + "\",\"data\":" + n + "}");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    acked.get(channel).add(RedisE2e.JSON.readTree(r.body()).path("id").asText());
                    count.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                    return;
                }
                // an app publishing steadily, about 200 a second, not a flood
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }

    private static String channelOf(int client) {
        return "room:s" + (client % CHANNELS);
    }

    private static List<StormClient> connectAll(String jwt, List<String> sinces) {
        List<StormClient> clients = new ArrayList<>();
        List<CompletableFuture<Void>> connected = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            StormClient c = new StormClient(channelOf(i), sinces == null ? null : sinces.get(i));
            clients.add(c);
            connected.add(c.connect(http.get(i % http.size()), jwt));
        }
        CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.subscribed != null));
        return clients;
    }

    @Test
    void aThousandClientsResumingAtOnceWhilePublishingGoesOnEachGetExactlyWhatTheyMissed() throws Exception {
        String tenant = redis.tenant();
        String jwt = token("storm", tenant, "room:*");

        // everyone online, three publications per channel
        List<StormClient> first = connectAll(jwt, null);
        List<SseClient> firstSse = new ArrayList<>();
        for (int j = 0; j < SSE_CLIENTS; j++) {
            SseClient s = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of(channelOf(j)), null)),
                    Map.of("Authorization", "Bearer " + jwt));
            firstSse.add(s);
        }
        await().atMost(WAIT).until(() -> firstSse.stream().allMatch(s -> !s.named("rtgw.connected").isEmpty()));
        Map<String, List<String>> history = new ConcurrentHashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int c = 0; c < CHANNELS; c++) {
                var r = node.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"room:s" + c
                        + "\",\"data\":\"first-" + round + "\"}");
                assertThat(r.statusCode()).isEqualTo(200);
                history.computeIfAbsent("room:s" + c, k -> new ArrayList<>())
                        .add(RedisE2e.JSON.readTree(r.body()).path("id").asText());
            }
        }
        await().atMost(WAIT).until(() -> first.stream().allMatch(c -> c.ids.size() == 3)
                && firstSse.stream().allMatch(s -> s.dataOf(channelOf(firstSse.indexOf(s))).size() == 3));
        for (StormClient c : first) {
            assertThat(c.ids).containsExactlyElementsOf(history.get(c.channel));
        }
        // each client resumes from some id it holds (not all from the newest), each SSE stream from its cursor
        List<String> sinces = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            sinces.add(first.get(i).ids.get((i / CHANNELS) % 3));
        }
        List<String> cursors = firstSse.stream().map(s -> s.lastEventId).toList();
        first.forEach(StormClient::abort);
        firstSse.forEach(SseClient::close);

        Publisher publisher = new Publisher(tenant);
        Thread publishing = new Thread(publisher, "storm-publisher");
        publishing.start();
        List<StormClient> back;
        List<SseClient> backSse = new ArrayList<>();
        try {
            await().atMost(WAIT).until(() -> publisher.count.get() >= 100 || !publisher.failures.isEmpty());
            // the storm: every WebSocket client at once, then the SSE streams, all while publishing
            back = connectAll(jwt, sinces);
            for (int j = 0; j < SSE_CLIENTS; j++) {
                backSse.add(SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of(channelOf(j)), cursors.get(j))),
                        Map.of("Authorization", "Bearer " + jwt)));
            }
            await().atMost(WAIT).until(() -> backSse.stream().allMatch(s -> !s.named("rtgw.connected").isEmpty()));
            for (int j = 0; j < SSE_CLIENTS; j++) {
                assertThat(backSse.get(j).named("rtgw.connected").get(0).data().path("recovered").path(channelOf(j)).asBoolean())
                        .as("SSE %d resumed", j).isTrue();
            }
            int afterStorm = publisher.count.get();
            await().atMost(WAIT).until(() -> publisher.count.get() >= afterStorm + 100 || !publisher.failures.isEmpty());
        } finally {
            publisher.stop.set(true);
            publishing.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(publisher.failures).isEmpty();
        publisher.acked.forEach((channel, ids) -> history.get(channel).addAll(ids));

        try {
            List<List<String>> expectedWs = new ArrayList<>();
            for (StormClient c : back) {
                List<String> all = history.get(c.channel);
                expectedWs.add(all.subList(all.indexOf(c.since) + 1, all.size()));
            }
            List<List<String>> expectedSse = new ArrayList<>();
            for (int j = 0; j < SSE_CLIENTS; j++) {
                List<String> all = history.get(channelOf(j));
                expectedSse.add(all.subList(3, all.size()));
            }
            // one wait for everyone (then nothing more may come: the counts are checked exactly below)
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                for (int i = 0; i < CLIENTS; i++) {
                    if (back.get(i).ids.size() < expectedWs.get(i).size() && back.get(i).closeCode == -1) {
                        return false;
                    }
                }
                for (int j = 0; j < SSE_CLIENTS; j++) {
                    SseClient s = backSse.get(j);
                    if (s.dataOf(channelOf(j)).size() < expectedSse.get(j).size() && !s.ended) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < CLIENTS; i++) {
                StormClient c = back.get(i);
                List<String> expected = expectedWs.get(i);
                assertThat(c.subscribed.path("recovered").asBoolean()).as("client %d", i).isTrue();
                assertThat(c.ids).as("client %d on %s from %s", i, c.channel, c.since).containsExactlyElementsOf(expected);
                assertThat(c.gaps.get()).as("client %d", i).isZero();
                assertThat(c.closeCode).as("client %d", i).isEqualTo(-1);
            }
            for (int j = 0; j < SSE_CLIENTS; j++) {
                SseClient s = backSse.get(j);
                List<String> expected = expectedSse.get(j);
                assertThat(s.events.stream().filter(e -> !e.event().startsWith("rtgw."))
                        .map(e -> e.data().path("id").asText())).as("SSE %d", j).containsExactlyElementsOf(expected);
                assertThat(s.named("rtgw.gap")).isEmpty();
            }
        } finally {
            back.forEach(StormClient::abort);
            backSse.forEach(SseClient::close);
        }
    }
}

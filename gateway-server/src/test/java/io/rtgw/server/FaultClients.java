package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.StreamSupport;

/**
 * A WebSocket, an SSE and a long-poll client on each given node, all on one channel of one
 * tenant: the audience every fault scenario checks. Opening does not wait for confirmation, so
 * the same clients serve scenarios where Redis is down while they subscribe.
 */
final class FaultClients implements AutoCloseable {
    private final List<WatchedClient> clients = new ArrayList<>();

    private FaultClients() {
    }

    static FaultClients open(List<RunningGateway> nodes, String tenant, String channel) throws Exception {
        FaultClients all = new FaultClients();
        String jwt = token("fault-watcher", tenant, "room:*");
        try {
            for (int i = 0; i < nodes.size(); i++) {
                RunningGateway node = nodes.get(i);
                String at = "@node" + i;
                all.clients.add(new Ws("websocket" + at, node, jwt, channel));
                all.clients.add(new Sse("sse" + at, node, jwt, channel));
                all.clients.add(new LongPoller("long-poll" + at, node, jwt, channel));
            }
        } catch (Exception | Error e) {
            all.close();
            throw e;
        }
        return all;
    }

    List<WatchedClient> all() {
        return clients;
    }

    boolean allConfirmed() {
        return clients.stream().allMatch(WatchedClient::confirmed);
    }

    /**
     * Returns once each WebSocket's subscribe has been handled by its node: commands take effect in
     * the order sent (docs/protocol.md §4), so the answer to a later command that needs no broker
     * (unsubscribing a channel never subscribed) proves it.
     */
    void fenceWebSockets() {
        clients.stream().filter(c -> c instanceof Ws).forEach(c -> ((Ws) c).fence());
    }

    boolean allReceived(String id) {
        return clients.stream().allMatch(c -> c.received(id));
    }

    @Override
    public void close() {
        clients.forEach(WatchedClient::close);
    }

    private static final class Ws implements WatchedClient {
        private static final String FENCE = "room:never-subscribed";
        private final String name;
        private final String channel;
        private final WsClient ws;

        Ws(String name, RunningGateway node, String jwt, String channel) throws Exception {
            this.name = name;
            this.channel = channel;
            this.ws = WsClient.connect(node.ws(), jwt);
            ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"s1\"}");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Seen> seen() {
            List<Seen> out = new ArrayList<>();
            for (JsonNode m : ws.received) {
                if (!m.path("channel").asText().equals(channel)) {
                    continue;
                }
                switch (m.path("type").asText()) {
                    case "message" -> out.add(Seen.message(m.path("id").asText(), m.path("data").toString()));
                    case "gap" -> out.add(Seen.gapNotice());
                    default -> {
                    }
                }
            }
            return out;
        }

        void fence() {
            ws.send("{\"type\":\"unsubscribe\",\"channel\":\"" + FENCE + "\",\"ref\":\"fence\"}");
            ws.await("error", m -> m.toString().contains(FENCE));
        }

        @Override
        public boolean confirmed() {
            return ws.ofType("subscribed").stream().anyMatch(m -> m.path("channel").asText().equals(channel));
        }

        @Override
        public List<String> refusals() {
            List<String> out = new ArrayList<>();
            ws.ofType("error").stream().filter(m -> !m.toString().contains(FENCE)).forEach(m -> out.add(m.toString()));
            if (ws.closeCode != -1) {
                out.add("closed " + ws.closeCode + " " + ws.closeReason);
            }
            return out;
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    private static final class Sse implements WatchedClient {
        private final String name;
        private final String channel;
        /** Opened in the background: a stream whose subscription waits for Redis may not answer at once. */
        private final CompletableFuture<SseClient> sse;

        Sse(String name, RunningGateway node, String jwt, String channel) {
            this.name = name;
            this.channel = channel;
            URI uri = node.pub(RedisE2e.sseQuery("/sse", List.of(channel), null));
            this.sse = CompletableFuture.supplyAsync(() -> {
                try {
                    return SseClient.open(uri, Map.of("Authorization", "Bearer " + jwt));
                } catch (Exception e) {
                    throw new IllegalStateException(name + " did not open: " + e, e);
                }
            });
        }

        private SseClient now() {
            return sse.getNow(null);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Seen> seen() {
            SseClient c = now();
            List<Seen> out = new ArrayList<>();
            if (c == null) {
                return out;
            }
            for (SseClient.Event e : c.events) {
                if (!e.data().path("channel").asText().equals(channel)) {
                    continue;
                }
                if (e.event().equals("rtgw.gap")) {
                    out.add(Seen.gapNotice());
                } else if (!e.event().startsWith("rtgw.")) {
                    out.add(Seen.message(e.data().path("id").asText(), e.data().path("data").toString()));
                }
            }
            return out;
        }

        @Override
        public boolean confirmed() {
            SseClient c = now();
            return c != null && !c.named("rtgw.connected").isEmpty();
        }

        @Override
        public List<String> refusals() {
            List<String> out = new ArrayList<>();
            if (sse.isCompletedExceptionally()) {
                out.add("not opened: " + sse.handle((c, e) -> String.valueOf(e)).join());
            }
            SseClient c = now();
            if (c != null) {
                if (c.status != 200) {
                    out.add("status " + c.status);
                }
                c.named("rtgw.close").forEach(e -> out.add("rtgw.close " + e.data()));
                if (c.ended) {
                    out.add("stream ended");
                }
            }
            return out;
        }

        @Override
        public void close() {
            sse.thenAccept(SseClient::close);
        }
    }

    /**
     * A long-poll client as the JS client runs one: poll, record, poll again from the answer's
     * cursor; a refused or failed poll is retried (after a short back-off) from the same cursor.
     */
    private static final class LongPoller implements WatchedClient, Runnable {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final String name;
        private final RunningGateway node;
        private final String jwt;
        private final String channel;
        private final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final List<String> refusals = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile String cursor;
        private volatile boolean stop;

        LongPoller(String name, RunningGateway node, String jwt, String channel) {
            this.name = name;
            this.node = node;
            this.jwt = jwt;
            this.channel = channel;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (!stop) {
                try {
                    // held at most 5 s by the server; the client allows for a busy machine on top
                    URI uri = node.pub(RedisE2e.sseQuery("/poll", List.of(channel), cursor) + "&timeout=5");
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        refusals.add(r.statusCode() + " " + r.body());
                        backOff();
                        continue;
                    }
                    JsonNode answer = RedisE2e.JSON.readTree(r.body());
                    StreamSupport.stream(answer.path("messages").spliterator(), false)
                            .filter(m -> m.path("channel").asText().equals(channel))
                            .forEach(m -> seen.add(m.path("type").asText().equals("gap")
                                    ? Seen.gapNotice() : Seen.message(m.path("id").asText(), m.path("data").toString())));
                    cursor = answer.path("cursor").asText();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (!stop) {
                        refusals.add("failed: " + e);
                        backOff();
                    }
                }
            }
        }

        /** The retry pause of a real client; without it a refusing node would be hammered. */
        private static void backOff() {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Seen> seen() {
            return List.copyOf(seen);
        }

        @Override
        public boolean confirmed() {
            return cursor != null;
        }

        @Override
        public List<String> refusals() {
            return List.copyOf(refusals);
        }

        @Override
        public void close() {
            stop = true;
            thread.interrupt();
        }
    }
}

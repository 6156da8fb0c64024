package io.rtgw.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The clients of {@link CdsTraining}: the JDK's HTTP client (already used for JWKS), so training
 * needs nothing beyond the jar. Each wait is bounded by {@link #STEP}, generous for a busy build
 * machine, and a step that does not happen is named in the exception.
 */
final class TrainingClients {
    static final Duration STEP = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(STEP).build();
    private final InetSocketAddress publicAddress;
    private final InetSocketAddress adminAddress;
    private final String token;
    private final String apiKey;

    TrainingClients(InetSocketAddress publicAddress, InetSocketAddress adminAddress, String token, String apiKey) {
        this.publicAddress = publicAddress;
        this.adminAddress = adminAddress;
        this.token = token;
        this.apiKey = apiKey;
    }

    /**
     * A WebSocket subscribed to {@link CdsTraining#CHANNEL}.
     *
     * @param headerToken the token in the Authorization header, else in the first message (docs/protocol.md §3)
     */
    Ws webSocket(boolean headerToken) throws Exception {
        Ws ws = new Ws();
        WebSocket.Builder b = http.newWebSocketBuilder().subprotocols("rtgw.v1").connectTimeout(STEP);
        if (headerToken) {
            b.header("Authorization", "Bearer " + token);
        }
        ws.socket = await(b.buildAsync(CdsTraining.uri("ws", publicAddress, "/ws"), ws), "the WebSocket upgrade");
        if (!headerToken) {
            ws.socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}", true);
        }
        ws.awaitMessage("\"type\":\"welcome\"", "the WebSocket's welcome");
        ws.socket.sendText("{\"type\":\"subscribe\",\"channel\":\"" + CdsTraining.CHANNEL + "\",\"ref\":\"s\"}", true);
        ws.awaitMessage("\"type\":\"subscribed\",\"channel\":\"" + CdsTraining.CHANNEL + "\"", "the WebSocket's subscribed");
        return ws;
    }

    /** An SSE stream of {@link CdsTraining#CHANNEL}, once its {@code rtgw.connected} has arrived. */
    Sse sse() throws Exception {
        HttpResponse<Stream<String>> response = await(http.sendAsync(publicGet("/sse?channel=" + CdsTraining.CHANNEL),
                HttpResponse.BodyHandlers.ofLines()), "the SSE response");
        expectOk(response, "/sse");
        Sse sse = new Sse(response.body());
        sse.awaitLine("event: rtgw.connected", "the SSE stream's rtgw.connected");
        return sse;
    }

    /** A first poll: answered at once with the position to poll from. */
    String pollCursor() throws Exception {
        HttpResponse<String> first = await(poll(null), "the first long-poll's answer");
        String cursor = JSON.readTree(first.body()).path("cursor").asText("");
        if (cursor.isEmpty()) {
            throw new IllegalStateException("the first long-poll answered without a cursor: " + first.body());
        }
        return cursor;
    }

    /** A long-poll from {@code cursor} (null: the first), held by the node until something is newer. */
    CompletableFuture<HttpResponse<String>> poll(String cursor) {
        String path = "/poll?channel=" + CdsTraining.CHANNEL + "&timeout=25"
                + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
        return http.sendAsync(publicGet(path), HttpResponse.BodyHandlers.ofString());
    }

    void publish(String data) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(CdsTraining.uri("http", adminAddress, "/api/publish"))
                .timeout(STEP).header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + CdsTraining.TENANT + "\",\"channel\":\""
                        + CdsTraining.CHANNEL + "\",\"data\":" + data + "}"))
                .build();
        expectOk(await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), "the publish API's answer"),
                "POST /api/publish");
    }

    /** A GET on the admin listener (with the API key) that must answer 200. */
    void admin(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(CdsTraining.uri("http", adminAddress, path)).timeout(STEP)
                .header("Authorization", "Bearer " + apiKey).build();
        expectOk(await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), "the answer to " + path), path);
    }

    private HttpRequest publicGet(String path) {
        return HttpRequest.newBuilder(CdsTraining.uri("http", publicAddress, path))
                .header("Authorization", "Bearer " + token).build();
    }

    private static void expectOk(HttpResponse<?> response, String what) {
        if (response.statusCode() != 200) {
            Object body = response.body() instanceof String s ? s : "";
            throw new IllegalStateException(what + " answered " + response.statusCode() + " " + body);
        }
    }

    static <T> T await(CompletionStage<T> stage, String what) throws Exception {
        try {
            return stage.toCompletableFuture().get(STEP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no " + what + " within " + STEP.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for an item of {@code queue} that contains {@code text}, skipping the others. */
    private static void awaitItem(BlockingQueue<String> queue, String text, String what) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        for (;;) {
            String item = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (item == null) {
                throw new IllegalStateException("no " + what + " within " + STEP.toSeconds() + " s");
            }
            if (item.contains(text)) {
                return;
            }
        }
    }

    /** A WebSocket whose text messages (reassembled from their frames) queue up for the waits. */
    static final class Ws implements WebSocket.Listener {
        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void awaitMessage(String text, String what) throws InterruptedException {
            awaitItem(messages, text, what);
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
        }

        void abort() {
            socket.abort();
        }
    }

    /** An SSE stream read line by line on a thread of its own. */
    static final class Sse implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Stream<String> body;

        Sse(Stream<String> body) {
            this.body = body;
            Thread reader = new Thread(() -> {
                try {
                    body.forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the stream was closed by us or ended by the node's drain
                }
            }, "cds-training-sse");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitLine(String text, String what) throws InterruptedException {
            awaitItem(lines, text, what);
        }

        @Override
        public void close() {
            body.close();
        }
    }
}

package io.rtgw.transport;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The JDK's WebSocket client, recording every JSON message and the close code. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    /**
     * How long the test clients wait for anything (connect, a message, a close) before failing.
     * Only an upper bound, so a passing test never waits it out: generous, because on a machine
     * shared with other builds a cold node's first answer can take seconds.
     */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final List<JsonNode> received = new CopyOnWriteArrayList<>();
    public volatile int closeCode = -1;
    public volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private WebSocket socket;

    private WsClient(boolean reading) {
        this.reading = reading;
    }

    public static WsClient connect(URI uri, String bearer) throws Exception {
        return connect(uri, bearer, true);
    }

    /** {@code reading = false} models a client that stops reading (a slow consumer). */
    public static WsClient connect(URI uri, String bearer, boolean reading) throws Exception {
        return connect(uri, bearer == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + bearer),
                reading, "rtgw.v1");
    }

    /** Any request headers (a cookie, an Origin) and offered subprotocols. */
    public static WsClient connect(URI uri, java.util.Map<String, String> headers, boolean reading,
                                   String... subprotocols) throws Exception {
        WsClient client = new WsClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(PATIENCE);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    public WebSocket socket() {
        return socket;
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    public List<JsonNode> ofType(String type) {
        return received.stream().filter(n -> type.equals(n.path("type").asText())).collect(Collectors.toList());
    }

    public JsonNode await(String type, Predicate<JsonNode> match) {
        org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> ofType(type).stream().anyMatch(match));
        return ofType(type).stream().filter(match).findFirst().orElseThrow();
    }

    public JsonNode subscribed(String channel) {
        return await("subscribed", n -> n.path("channel").asText().equals(channel));
    }

    public List<String> dataOf(String channel) {
        return ofType("message").stream().filter(n -> n.path("channel").asText().equals(channel))
                .map(n -> n.path("data").toString()).collect(Collectors.toList());
    }

    public List<String> idsOf(String channel) {
        return ofType("message").stream().filter(n -> n.path("channel").asText().equals(channel))
                .map(n -> n.path("id").asText()).collect(Collectors.toList());
    }

    public void awaitClose() {
        org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> closeCode != -1);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                received.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode = statusCode;
        closeReason = reason;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (closeCode == -1) {
            closeCode = 0;
        }
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(1000, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
        }
        if (socket != null) {
            socket.abort();
        }
    }
}

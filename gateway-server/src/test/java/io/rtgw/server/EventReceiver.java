package io.rtgw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rtgw.server.events.WebhookDelivery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The app's webhook endpoint of docs/protocol.md §10 on a loopback port: answers 503 to its first
 * {@code failFirst} POSTs (the app is down), then 204; verifies every signature the way
 * docs/events.md tells apps to, and keeps events by id (a retried batch repeats them).
 */
final class EventReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final byte[] secret;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicInteger failuresLeft;
    final Map<String, JsonNode> byId = new ConcurrentHashMap<>();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();

    EventReceiver(String secret, int failFirst) throws IOException {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.failuresLeft = new AtomicInteger(failFirst);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/rtgw-events", exchange -> {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String given = exchange.getRequestHeaders().getFirst("Rtgw-Signature");
            String expected = WebhookDelivery.signature(this.secret, body);
            boolean valid = given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII));
            int status;
            if (!valid) {
                badSignatures.incrementAndGet();
                status = 401;
            } else if (failuresLeft.getAndDecrement() > 0) {
                status = 503;
            } else {
                for (JsonNode e : JSON.readTree(body)) {
                    if (byId.putIfAbsent(e.path("id").asText(), e) == null) {
                        events.add(e);
                    }
                }
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rtgw-events");
    }

    List<JsonNode> of(String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package io.rtgw.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An event-stream reader on the JDK HttpClient that parses like a browser's EventSource: fields
 * up to a blank line make an event, {@code id:} sets the last event id, events without data are
 * not dispatched.
 */
public final class SseClient implements AutoCloseable {
    public static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WsClient.PATIENCE).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Event(String id, String event, JsonNode data) {
    }

    public final int status;
    public final java.net.http.HttpHeaders headers;
    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final List<Long> retries = new CopyOnWriteArrayList<>();
    public volatile String lastEventId;
    public volatile boolean ended;
    private final Lines lines = new Lines();

    private SseClient(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        headers.forEach(request::header);
        // Push mode: the body arrives line by line and close() can stop it at once, like a browser.
        CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
        HTTP.sendAsync(request.build(), info -> {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(lines, s -> null, StandardCharsets.UTF_8, null);
        }).whenComplete((r, e) -> {
            head.completeExceptionally(e == null ? new IllegalStateException("no response") : e);
            ended = true;
        });
        HttpResponse.ResponseInfo info = head.get(WsClient.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        this.status = info.statusCode();
        this.headers = info.headers();
    }

    public static SseClient open(URI uri, Map<String, String> headers) throws Exception {
        return new SseClient(uri, headers);
    }

    public static HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(WsClient.PATIENCE);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Parses lines into events; after close() nothing more is recorded, as in a browser. */
    private final class Lines implements Flow.Subscriber<String> {
        private Flow.Subscription subscription;
        private boolean closed;
        private String id;
        private String event;
        private StringBuilder data;

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(String line) {
            if (closed) {
                return;
            }
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retries.add(Long.parseLong(value));
                default -> {
                }
            }
        }

        private void dispatch() {
            if (id != null) {
                lastEventId = id;
            }
            if (data != null) {
                try {
                    events.add(new Event(id, event == null ? "message" : event, JSON.readTree(data.toString())));
                } catch (IOException e) {
                    throw new IllegalStateException("data is not JSON: " + data, e);
                }
            }
            id = null;
            event = null;
            data = null;
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
        }

        @Override
        public void onComplete() {
            ended = true;
        }

        synchronized void close() {
            closed = true;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    public List<Event> named(String name) {
        return events.stream().filter(e -> e.event().equals(name)).collect(Collectors.toList());
    }

    public Event await(String name, Predicate<Event> match) {
        org.awaitility.Awaitility.await().atMost(WsClient.PATIENCE)
                .until(() -> named(name).stream().anyMatch(match));
        return named(name).stream().filter(match).findFirst().orElseThrow();
    }

    public Event connected() {
        return await("rtgw.connected", e -> true);
    }

    /** The {@code data} of each app message of a channel, as JSON text. */
    public List<String> dataOf(String channel) {
        return events.stream().filter(e -> !e.event().startsWith("rtgw.") && e.data().path("channel").asText().equals(channel))
                .map(e -> e.data().path("data").toString()).collect(Collectors.toList());
    }

    public void awaitEnd() {
        org.awaitility.Awaitility.await().atMost(WsClient.PATIENCE).until(() -> ended);
    }

    /** Drops the connection; the events recorded so far and the last event id stay consistent. */
    @Override
    public void close() {
        lines.close();
    }
}

package io.rtgw.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The app's side of the hooks in tests (docs/protocol.md §11): a real HTTP server on loopback whose
 * answer per path is set by the test and may wait (on a latch, or sleeping); every request is kept.
 */
final class HookServer implements AutoCloseable {
    /** One request as the app saw it. */
    record Seen(String path, String body, String cookie, String authorization, String contentType) {
    }

    /** What to answer; {@code before} runs first on the server's own thread (it may block: the test's slow app). */
    record Answer(int status, String body, Runnable before) {
        static Answer ok(String body) {
            return new Answer(200, body, () -> { });
        }

        static Answer status(int status) {
            return new Answer(status, "", () -> { });
        }
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Seen, Answer>> answers = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    HookServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    HookServer answer(String path, Function<Seen, Answer> answer) {
        answers.put(path, answer);
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Seen> seen(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            Seen s = new Seen(path, body, exchange.getRequestHeaders().getFirst("Cookie"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"));
            seen.add(s);
            Function<Seen, Answer> f = answers.get(path);
            Answer a = f == null ? Answer.status(404) : f.apply(s);
            a.before().run();
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        } catch (RuntimeException e) {
            // the client went away (a timed-out hook request): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

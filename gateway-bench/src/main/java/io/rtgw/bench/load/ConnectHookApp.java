package io.rtgw.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rtgw.bench.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The smallest app a connect hook can ask (docs/protocol.md §11), as its own process so that its CPU
 * is measured apart from the gateway's: sessions are the lines of {@code --cookie-file} (line u,
 * {@code sid=…}, is user {@code bench-u}); {@code POST} with a known {@code sid} cookie answers
 * what {@code BenchTokens} puts in a token (tenant, channel grant, presence info), anything else
 * {@code 401}. Answers are built once at start, so the figure is the HTTP exchange, not the app's
 * logic. Prints {@code {"ev":"ready","port":N}} and runs until its stdin closes.
 */
public final class ConnectHookApp {
    static final String COOKIE = "sid";

    private final Map<String, byte[]> answers;

    ConnectHookApp(Map<String, byte[]> answers) {
        this.answers = answers;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        List<String> cookies = Files.readAllLines(Path.of(o.get("cookie-file", "cookies.txt")));
        String tenant = o.get("tenant", "bench");
        String grant = o.get("channels", "bench:*");
        Map<String, byte[]> answers = new HashMap<>();
        for (int u = 0; u < cookies.size(); u++) {
            String session = cookies.get(u).substring(COOKIE.length() + 1);
            answers.put(session, ("{\"user\":\"bench-" + u + "\",\"tenant\":\"" + tenant + "\",\"channels\":[\"" + grant
                    + "\"],\"publish\":[],\"info\":{\"name\":\"User " + u + "\",\"avatar\":\"/a/" + u + ".png\"}}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(o.getInt("threads", 2)));
        server.createContext("/", new ConnectHookApp(answers)::answer);
        server.start();
        System.out.println("{\"ev\":\"ready\",\"port\":" + server.getAddress().getPort() + "}");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until the coordinator goes away
        server.stop(0);
        System.exit(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex; InputStream body = ex.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream()); // read to the end: the connection is kept alive
            byte[] answer = answers.get(session(ex.getRequestHeaders().getFirst("Cookie")));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (answer == null) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
        }
    }

    /** The value of the {@code sid} cookie in a Cookie header ({@code a=1; sid=…}), or null. */
    static String session(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                return p.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }
}

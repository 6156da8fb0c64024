package io.rtgw.server;

import io.rtgw.auth.DevTokens;
import io.rtgw.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -XX:ArchiveClassesAtExit=rtgw.jsa -jar rtgw.jar --cds-training}: a node's working
 * life in a few seconds, so that the JVM's class-data archive written at exit holds the classes a
 * serving node loads (docs/deployment.md, "Class-data sharing"). A node with the embedded broker on
 * loopback ports the OS picks takes WebSocket (token in the header, and in the first message), SSE
 * and long-poll clients, has a publication of the server API delivered to each of them, answers
 * its health and metrics routes, and drains them. Every wait is bounded: a training that cannot
 * finish fails with one line, and the caller goes on without an archive.
 */
final class CdsTraining {
    private static final Logger log = LoggerFactory.getLogger(CdsTraining.class);
    static final String TENANT = "cds-training";
    static final String CHANNEL = "room:cds";
    /** More than one round: the second goes through the paths a node takes once it has sessions. */
    private static final int ROUNDS = 3;

    private CdsTraining() {
    }

    /** Runs the training; throws with a sentence that says which step did not happen. */
    static void run() throws Exception {
        String secret = DevTokens.randomSecret();
        String apiKey = DevTokens.randomSecret();
        Map<String, String> env = Map.of(
                "RTGW_PUBLIC_PORT", "0", "RTGW_ADMIN_PORT", "0", "RTGW_BIND", "127.0.0.1",
                "RTGW_JWT_SECRET", secret, "RTGW_API_KEY", apiKey, "RTGW_DRAIN", "0s");
        long started = System.nanoTime();
        Gateway gateway = Gateway.start(ConfigLoader.load(null, env, false), Map.of());
        try {
            String token = DevTokens.hs256(secret, "trainer", TENANT, List.of("room:*"), List.of("room:*"),
                    Duration.ofMinutes(10));
            TrainingClients clients = new TrainingClients(gateway.publicAddress(), gateway.adminAddress(), token, apiKey);
            for (int round = 1; round <= ROUNDS; round++) {
                round(clients, round);
            }
            // A drain with clients still connected: the close codes and rtgw.close of a stop are loaded too.
            var lastWs = clients.webSocket(true);
            var lastSse = clients.sse();
            gateway.drain(Duration.ZERO);
            lastWs.abort();
            lastSse.close();
        } finally {
            gateway.close();
        }
        log.info("class-data training done in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static void round(TrainingClients clients, int round) throws Exception {
        var headerWs = clients.webSocket(true);
        var messageWs = clients.webSocket(false);
        var sse = clients.sse();
        String cursor = clients.pollCursor();
        CompletableFuture<HttpResponse<String>> heldPoll = clients.poll(cursor);
        String data = "{\"round\":" + round + "}";
        clients.publish(data);
        headerWs.awaitMessage("\"type\":\"message\"", "the publication on the WebSocket (token in the header)");
        messageWs.awaitMessage("\"type\":\"message\"", "the publication on the WebSocket (token in the first message)");
        sse.awaitLine("\"round\":" + round, "the publication on the SSE stream");
        String answer = TrainingClients.await(heldPoll, "the held long-poll's answer").body();
        if (!answer.contains("\"round\":" + round)) {
            throw new IllegalStateException("the long-poll was answered without the publication: " + answer);
        }
        clients.admin("/healthz");
        clients.admin("/readyz");
        clients.admin("/metrics");
        clients.admin("/api/history?tenant=" + TENANT + "&channel=" + CHANNEL);
        headerWs.close();
        messageWs.close();
        sse.close();
    }

    /** The public URL of {@code path} on the node at {@code host:port}. */
    static URI uri(String scheme, java.net.InetSocketAddress address, String path) {
        return URI.create(scheme + "://127.0.0.1:" + address.getPort() + path);
    }
}

package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.SECRET;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node killed with SIGKILL (docs/protocol.md §10): its connections' {@code disconnect}, its
 * users' {@code offline} and its channels' {@code vacated} come from the survivors once its lease
 * has run out, exactly once across them; a lone node emits them at its next start.
 */
@Timeout(240)
class EventsCrashIT {
    /** Short, so the lease (2.5 intervals) of a killed node runs out in about a second. */
    private static final String INTERVAL = "500ms";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    /** A gateway in a process of its own, so it can be killed without any cleanup. */
    private record Victim(Process process, int publicPort, int adminPort) implements AutoCloseable {
        URI ws() {
            return URI.create("ws://127.0.0.1:" + publicPort + "/ws");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no drain, no leave, no last write
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Victim victim(String nodeId, String prefix) throws Exception {
        int pub = freePort();
        int admin = freePort();
        Map<String, String> env = new HashMap<>(Map.of(
                "RTGW_PUBLIC_PORT", Integer.toString(pub), "RTGW_ADMIN_PORT", Integer.toString(admin),
                "RTGW_BIND", "127.0.0.1", "RTGW_JWT_SECRET", SECRET, "RTGW_API_KEY", API_KEY,
                "RTGW_REDIS_URL", redis.server().uri(), "RTGW_EVENTS", "redis",
                "RTGW_PRESENCE_INTERVAL", INTERVAL, "RTGW_NODE_ID", nodeId));
        env.put("RTGW_REDIS_PREFIX", prefix);
        Process p = MainProcessIT.start(env);
        MainProcessIT.lines(p.getInputStream());
        MainProcessIT.lines(p.getErrorStream());
        Victim v = new Victim(p, pub, admin);
        URI ready = URI.create("http://127.0.0.1:" + admin + "/readyz");
        await().atMost(WAIT).ignoreExceptions().until(() ->
                HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return v;
    }

    private static String streamKey(String prefix, String tenant) {
        return prefix + ":{" + tenant + "}:events";
    }

    @Test
    void aKilledNodesUsersGoOfflineOnceFromTheSurvivors() throws Exception {
        String tenant = redis.tenant();
        String victimId = "victim-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        try (RunningGateway a = RedisE2e.node(redis.server().uri(), EventsRedisIT.settings("2s"));
             RunningGateway b = RedisE2e.node(redis.server().uri(), EventsRedisIT.settings("2s"));
             Victim c = victim(victimId, "rtgw");
             EventStreamReader stream = EventStreamReader.standalone(redis.server().uri())) {
            WsClient aliceOnC = WsClient.connect(c.ws(), token("alice", tenant, "room:*"));
            WsClient carolOnC = WsClient.connect(c.ws(), token("carol", tenant, "room:*"));
            try (WsClient carolOnA = WsClient.connect(a.ws(), token("carol", tenant, "room:*"))) {
                aliceOnC.send("{\"type\":\"subscribe\",\"channel\":\"room:9\"}");
                aliceOnC.subscribed("room:9");
                carolOnC.await("welcome", m -> true);
                carolOnA.await("welcome", m -> true);
                await().atMost(WAIT).until(() -> stream.of(tenant, "connect").size() == 3
                        && stream.of(tenant, "occupied").size() == 3); // room:9, user:alice, user:carol

                c.kill();
                // a survivor took the dead node over when it is no longer listed
                await().atMost(WAIT).until(() -> stream.redis().smembers("rtgw:{~events}:nodes").stream()
                        .noneMatch(n -> n.startsWith(victimId + ".")));
                // the survivor appends the events after it took the node over: wait for them, then check none came twice
                await().atMost(WAIT).until(() -> stream.of(tenant, "offline", "alice").size() >= 1
                        && stream.of(tenant, "disconnect").size() >= 2 && stream.of(tenant, "vacated").size() >= 2);

                assertThat(stream.of(tenant, "offline", "alice")).hasSize(1);
                assertThat(stream.of(tenant, "offline", "carol")).as("carol is still on node a").isEmpty();
                assertThat(stream.of(tenant, "disconnect")).hasSize(2).allSatisfy(e -> {
                    assertThat(e.path("reason").asText()).isEqualTo("node_lost");
                    assertThat(e.path("node").asText()).isEqualTo(victimId);
                });
                assertThat(stream.of(tenant, "vacated")).extracting(e -> e.path("channel").asText())
                        .containsExactlyInAnyOrder("room:9", "user:alice");
            } finally {
                aliceOnC.socket().abort();
                carolOnC.socket().abort();
            }
        }
    }

    @Test
    void aLoneNodeEmitsItsPreviousLifesOfflinesAtItsNextStart() throws Exception {
        String tenant = redis.tenant();
        // a prefix of its own: no other node of the suite can recover it, only its next start
        String prefix = "solo" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
        try (EventStreamReader stream = EventStreamReader.standalone(redis.server().uri())) {
            WsClient alice;
            try (Victim first = victim("solo", prefix)) {
                alice = WsClient.connect(first.ws(), token("alice", tenant, "room:*"));
                alice.await("welcome", m -> true);
                await().atMost(WAIT).until(() -> stream.redis().xlen(streamKey(prefix, tenant)) == 3); // connect, online, occupied
                first.kill();
            }
            alice.socket().abort();
            try (Victim second = victim("solo", prefix)) {
                // its previous life's connection ends, its user goes offline, its channel is vacated
                await().atMost(WAIT).until(() -> stream.redis().xlen(streamKey(prefix, tenant)) == 6);
                assertThat(stream.redis().xrange(streamKey(prefix, tenant), io.lettuce.core.Range.create("-", "+"))
                        .stream().map(m -> m.getBody().get("event").replaceAll(".*\"type\":\"([a-z]+)\".*", "$1")))
                        .containsExactlyInAnyOrder("connect", "online", "occupied", "disconnect", "offline", "vacated");
            }
        }
    }
}

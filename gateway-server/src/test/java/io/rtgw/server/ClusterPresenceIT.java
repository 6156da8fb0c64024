package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence and join/leave on a 3-master Redis Cluster (docs/protocol.md §9): channels spread
 * over the shards, each presence hash in its channel's slot, join/leave over sharded pub/sub.
 */
@Timeout(150)
class ClusterPresenceIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);
    @TempDir
    static Path dir;
    private static RunningGateway a;
    private static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("rtgw.yml");
        Files.writeString(config, "namespaces:\n  chat: { presence: true, join_leave: true }\n");
        Map<String, String> env = Map.of("RTGW_REDIS_URL", redis.cluster().seedUri(), "RTGW_PRESENCE_INTERVAL", "200ms");
        a = new RunningGateway(config, env);
        b = new RunningGateway(config, env);
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static Set<String> clients(JsonNode answer) {
        Set<String> ids = new TreeSet<>();
        answer.path("clients").forEach(c -> ids.add(c.path("client").asText()));
        return ids;
    }

    @Test
    void presenceAndJoinLeaveWorkOnChannelsOfEveryShard() throws Exception {
        String tenant = redis.tenant();
        String jwt = Jwts.hs256(RunningGateway.SECRET, Jwts.claims("alice", tenant));
        Set<String> slots = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            String channel = "chat:" + i;
            slots.add(redis.cluster().cli("CLUSTER", "KEYSLOT", RedisE2e.key(tenant, channel) + ":p"));
            try (WsClient onA = WsClient.connect(a.ws(), jwt); WsClient onB = WsClient.connect(b.ws(), jwt)) {
                String idA = onA.await("welcome", m -> true).path("client").asText();
                String idB = onB.await("welcome", m -> true).path("client").asText();
                onA.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
                onA.subscribed(channel);
                onB.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
                onB.subscribed(channel);
                onA.await("message", m -> m.path("event").asText().equals("rtgw.join")
                        && m.path("data").path("client").asText().equals(idB));
                String query = "/api/presence?tenant=" + tenant + "&channel=" + channel.replace(":", "%3A");
                await().atMost(WAIT).until(() -> clients(RedisE2e.JSON.readTree(
                        new ApiClient(a, API_KEY).get(query).body())).equals(Set.of(idA, idB)));
                onB.send("{\"type\":\"presence\",\"channel\":\"" + channel + "\",\"ref\":\"p\"}");
                assertThat(clients(onB.await("presence", m -> true))).containsExactlyInAnyOrder(idA, idB);
                onB.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
                onA.await("message", m -> m.path("event").asText().equals("rtgw.leave")
                        && m.path("data").path("client").asText().equals(idB));
            }
        }
        assertThat(slots).as("channels on several slots").hasSizeGreaterThan(3);
    }
}

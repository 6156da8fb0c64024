package io.rtgw.server;

import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.StreamPosition;
import io.rtgw.testkit.RedisCluster;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on a 3-master Redis Cluster: channels on every shard, sharded pub/sub (one
 * SSUBSCRIBE per node at the owning master), delivery of API, function and SPUBLISH
 * publications, and resuming on the other node from the stream of the owning shard.
 */
@Timeout(120)
class RedisClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);
    private static RunningGateway a;
    private static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        a = RedisE2e.node(redis.cluster().seedUri());
        b = RedisE2e.node(redis.cluster().seedUri());
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

    /** Channel names of {@code tenant}, two on each master, with the master that owns each. */
    private static Map<String, RedisServer> channelsOnEveryMaster(RedisCluster cluster, String tenant) {
        Map<RedisServer, List<int[]>> ranges = new HashMap<>();
        for (String line : cluster.nodes().get(0).cli("CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
            RedisServer node = cluster.nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                String[] r = f[i].split("-");
                slots.add(new int[]{Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
            }
            ranges.put(node, slots);
        }
        Map<String, RedisServer> chosen = new LinkedHashMap<>();
        Map<RedisServer, Integer> perMaster = new HashMap<>();
        for (int i = 0; chosen.size() < 2 * cluster.nodes().size(); i++) {
            assertThat(i).as("channel names spread over the masters").isLessThan(500);
            String channel = "room:c" + i;
            int slot = Integer.parseInt(cluster.nodes().get(0).cli("CLUSTER", "KEYSLOT", key(tenant, channel)));
            RedisServer owner = ranges.entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(r -> r[0] <= slot && slot <= r[1]))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            if (perMaster.merge(owner, 1, Integer::sum) <= 2) {
                chosen.put(channel, owner);
            }
        }
        return chosen;
    }

    private static int shardNumsub(RedisServer master, String key) {
        String[] lines = master.cli("PUBSUB", "SHARDNUMSUB", key).split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }

    private static void subscribeAll(WsClient ws, Map<String, String> sinceByChannel) {
        sinceByChannel.forEach((channel, since) -> ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\""
                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}"));
        sinceByChannel.keySet().forEach(ws::subscribed);
    }

    @Test
    void shardedPubSubDeliversOnBothNodesAndClientsResumeOnTheOtherNode(RedisCluster cluster) throws Exception {
        String tenant = redis.tenant();
        String jwt = token("gina", tenant, "room:*");
        Map<String, RedisServer> channels = channelsOnEveryMaster(cluster, tenant);
        assertThat(new HashSet<>(channels.values())).hasSize(3);
        List<String> names = List.copyOf(channels.keySet());
        Map<String, String> live = new LinkedHashMap<>();
        names.forEach(c -> live.put(c, null));

        Map<String, List<String>> ids = new HashMap<>();
        Map<String, List<String>> data = new HashMap<>();
        Map<String, String> resumeFrom = new LinkedHashMap<>();
        String sseCursor;
        try (WsClient onA = WsClient.connect(a.ws(), jwt);
             WsClient onB = WsClient.connect(b.ws(), jwt);
             SseClient sseOnA = SseClient.open(a.pub(RedisE2e.sseQuery("/sse", names, null)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            subscribeAll(onA, live);
            subscribeAll(onB, live);
            sseOnA.connected();
            channels.forEach((channel, master) -> assertThat(shardNumsub(master, key(tenant, channel)))
                    .as("%s: one sharded subscription per gateway node at its master", channel).isEqualTo(2));

            for (String channel : names) {
                List<String> channelIds = ids.computeIfAbsent(channel, c -> new ArrayList<>());
                List<String> channelData = data.computeIfAbsent(channel, c -> new ArrayList<>());
                var r = b.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel + "\",\"data\":\"api\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                channelIds.add(RedisE2e.JSON.readTree(r.body()).path("id").asText());
                channelData.add("\"api\"");
                String id = cluster.cli("FCALL", "rtgw_publish", "1", key(tenant, channel), "", "\"fcall\"");
                assertThat(StreamPosition.parse(id)).as("'%s' is an id", id).isNotNull();
                channelIds.add(id);
                channelData.add("\"fcall\"");
                assertThat(cluster.cli("SPUBLISH", key(tenant, channel), "live")).isEqualTo("2");
                channelData.add("\"live\"");
            }
            for (WsClient ws : List.of(onA, onB)) {
                await().atMost(WAIT).until(() -> names.stream().allMatch(c -> ws.dataOf(c).size() >= 3));
                for (String channel : names) {
                    assertThat(ws.dataOf(channel)).as(channel).containsExactlyElementsOf(data.get(channel));
                    assertThat(ws.idsOf(channel).subList(0, 2)).as(channel).containsExactlyElementsOf(ids.get(channel));
                }
                assertThat(ws.ofType("gap")).isEmpty();
            }
            await().atMost(WAIT).until(() -> names.stream().allMatch(c -> sseOnA.dataOf(c).size() >= 3));
            for (String channel : names) {
                assertThat(sseOnA.dataOf(channel)).as(channel).containsExactlyElementsOf(data.get(channel));
                resumeFrom.put(channel, ids.get(channel).get(1));
            }
            sseCursor = sseOnA.lastEventId;
        }

        // both clients are gone; what is published now must be read back from each shard's stream
        Map<String, List<String>> missed = new HashMap<>();
        for (String channel : names) {
            for (String text : List.of("missed-1", "missed-2")) {
                var r = a.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel
                        + "\",\"data\":\"" + text + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                missed.computeIfAbsent(channel, c -> new ArrayList<>()).add(RedisE2e.JSON.readTree(r.body()).path("id").asText());
            }
        }
        try (WsClient back = WsClient.connect(b.ws(), jwt);
             SseClient sseBack = SseClient.open(b.pub(RedisE2e.sseQuery("/sse", names, sseCursor)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            subscribeAll(back, resumeFrom);
            for (String channel : names) {
                JsonNode subscribed = back.subscribed(channel);
                assertThat(subscribed.path("recovered").asBoolean()).as(channel).isTrue();
            }
            JsonNode connected = sseBack.connected().data();
            names.forEach(c -> assertThat(connected.path("recovered").path(c).asBoolean()).as(c).isTrue());
            await().atMost(WAIT).until(() -> names.stream().allMatch(c -> back.idsOf(c).size() >= 2
                    && sseBack.dataOf(c).size() >= 2));
            for (String channel : names) {
                assertThat(back.idsOf(channel)).as(channel).containsExactlyElementsOf(missed.get(channel));
                assertThat(sseBack.dataOf(channel)).as(channel).containsExactly("\"missed-1\"", "\"missed-2\"");
            }
            assertThat(back.ofType("gap")).isEmpty();
            assertThat(sseBack.named("rtgw.gap")).isEmpty();
        }
    }
}

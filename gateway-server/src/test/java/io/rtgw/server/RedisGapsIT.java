package io.rtgw.server;

import static io.rtgw.server.RedisE2e.brokerUp;
import static io.rtgw.server.RedisE2e.items;
import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RedisE2e.poll;
import static io.rtgw.server.RedisE2e.readyz;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.StreamPosition;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When Redis forgets a channel's history (a restart without persistence, FLUSHALL), connected
 * clients are told with a gap notice instead of silently missing messages; a pub/sub connection
 * that is killed or silenced is found and replaced while clients keep receiving.
 */
@Timeout(120)
class RedisGapsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = RedisE2e.node(redis.server().uri());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** A WebSocket and an SSE client on {@code channel}, each having received one publication. */
    private record Clients(WsClient ws, SseClient sse, String jwt, String pollCursor, String firstId) implements AutoCloseable {
        @Override
        public void close() {
            ws.close();
            sse.close();
        }
    }

    private static Clients connect(RedisServer server, String tenant, String channel) throws Exception {
        String jwt = token("finn", tenant, "room:*");
        WsClient ws = WsClient.connect(node.ws(), jwt);
        SseClient sse = SseClient.open(node.pub(RedisE2e.sseQuery("/sse", List.of(channel), null)),
                Map.of("Authorization", "Bearer " + jwt));
        ws.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
        ws.subscribed(channel);
        sse.connected();
        String first = publish(server, tenant, channel, "\"before\"");
        await().atMost(WAIT).until(() -> ws.idsOf(channel).contains(first) && sse.dataOf(channel).size() == 1);
        String cursor = poll(node, jwt, List.of(channel), null).path("cursor").asText();
        return new Clients(ws, sse, jwt, cursor, first);
    }

    private static String publish(RedisServer server, String tenant, String channel, String data) {
        String id = server.cli("FCALL", "rtgw_publish", "1", key(tenant, channel), "", data);
        assertThat(StreamPosition.parse(id)).as("'%s' is an id", id).isNotNull();
        return id;
    }

    /** The client saw a gap for {@code channel}, then {@code id} as the next message. */
    private static void gapThen(Clients c, String channel, String id) {
        await().atMost(WAIT).until(() -> c.ws.idsOf(channel).contains(id));
        List<String> wsOrder = c.ws.received.stream()
                .filter(m -> m.path("channel").asText().equals(channel))
                .map(m -> m.path("type").asText() + (m.has("id") ? " " + m.path("id").asText() : "")).toList();
        assertThat(wsOrder).containsSubsequence("gap", "message " + id);
        assertThat(wsOrder.subList(wsOrder.lastIndexOf("gap"), wsOrder.size())).containsExactly("gap", "message " + id);
        await().atMost(WAIT).until(() -> c.sse.events.stream().anyMatch(e -> id.equals(e.data().path("id").asText())));
        List<String> sseOrder = c.sse.events.stream()
                .filter(e -> e.data().path("channel").asText().equals(channel))
                .map(e -> e.event() + (e.data().has("id") ? " " + e.data().path("id").asText() : "")).toList();
        assertThat(sseOrder.subList(sseOrder.lastIndexOf("rtgw.gap"), sseOrder.size()))
                .containsExactly("rtgw.gap", "message " + id);
        assertThat(c.ws.closeCode).isEqualTo(-1);
        assertThat(c.sse.ended).isFalse();
    }

    /**
     * A long-poll client resuming from a cursor of the old epoch gets a gap and the head (docs/protocol.md §4.2:
     * delivery then starts at the head), and from there the next publication.
     */
    private static void resumesWithAGap(RedisServer server, String tenant, Clients c, String channel) throws Exception {
        JsonNode resumed = poll(node, c.jwt, List.of(channel), c.pollCursor);
        assertThat(items(resumed, "gap", channel)).hasSize(1);
        assertThat(items(resumed, "message", channel)).isEmpty();
        String next = publish(server, tenant, channel, "\"next\"");
        JsonNode after = poll(node, c.jwt, List.of(channel), resumed.path("cursor").asText());
        assertThat(items(after, "gap", channel)).isEmpty();
        assertThat(items(after, "message", channel)).extracting(m -> m.path("id").asText()).containsExactly(next);
    }

    @Test
    void aRestartWithoutPersistenceGivesConnectedAndResumingClientsAGap(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (Clients c = connect(server, tenant, "room:r")) {
            server.restartEmpty();
            // connected clients learn of it as soon as the node is back, before anything new is published
            await().atMost(WAIT).until(() -> !c.ws.ofType("gap").isEmpty() && !c.sse.named("rtgw.gap").isEmpty());
            assertThat(c.ws.ofType("gap")).extracting(m -> m.path("channel").asText()).contains("room:r");
            await().atMost(WAIT).until(() -> readyz(node) == 200);
            String fresh = publish(server, tenant, "room:r", "\"after\"");
            assertThat(StreamPosition.parse(fresh).epoch()).isNotEqualTo(StreamPosition.parse(c.firstId).epoch());
            gapThen(c, "room:r", fresh);

            resumesWithAGap(server, tenant, c, "room:r");
        }
    }

    @Test
    void flushAllGivesAGapBeforeTheFirstMessageOfTheNewEpoch(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (Clients c = connect(server, tenant, "room:f")) {
            server.flushAll();
            String fresh = publish(server, tenant, "room:f", "\"after flush\"");
            assertThat(StreamPosition.parse(fresh).epoch()).isNotEqualTo(StreamPosition.parse(c.firstId).epoch());
            gapThen(c, "room:f", fresh);
            resumesWithAGap(server, tenant, c, "room:f");
        }
    }

    @Test
    void aKilledPubSubConnectionIsReplacedAndWhatWasPublishedMeanwhileArrives(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (Clients c = connect(server, tenant, "room:k")) {
            server.cli("CLIENT", "KILL", "TYPE", "pubsub");
            // published while the node may have no subscription at all: the backfill brings it
            String during = publish(server, tenant, "room:k", "\"during\"");
            await().atMost(WAIT).until(() -> readyz(node) == 200 && RedisE2e.numsub(server, key(tenant, "room:k")) == 1);
            String after = publish(server, tenant, "room:k", "\"after\"");
            await().atMost(WAIT).until(() -> c.ws.idsOf("room:k").contains(after) && c.sse.dataOf("room:k").size() == 3);
            assertThat(c.ws.idsOf("room:k")).containsExactly(c.firstId, during, after);
            assertThat(c.sse.dataOf("room:k")).containsExactly("\"before\"", "\"during\"", "\"after\"");
            assertThat(c.ws.ofType("gap")).isEmpty();
            assertThat(c.ws.closeCode).isEqualTo(-1);
        }
    }

    @Test
    void aSilencedPubSubLinkIsFoundByTheProbeRebuiltAndClientsKeepReceiving(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        try (Clients c = connect(server, tenant, "room:p")) {
            // nothing is closed: only the node's probe can tell that nothing comes through
            // longer than the node's probe needs to notice (a probe every 5 s, 3 s to come back)
            server.cli("CLIENT", "PAUSE", "15000", "ALL");
            await().atMost(WAIT).until(() -> readyz(node) == 503);
            await().atMost(WAIT).until(() -> brokerUp(node) == 0.0);
            await().atMost(WAIT).until(() -> readyz(node) == 200);
            await().atMost(WAIT).until(() -> brokerUp(node) == 1.0);
            String after = publish(server, tenant, "room:p", "\"after\"");
            await().atMost(WAIT).until(() -> c.ws.idsOf("room:p").contains(after) && c.sse.dataOf("room:p").size() == 2);
            assertThat(c.ws.idsOf("room:p")).containsExactly(c.firstId, after);
            assertThat(c.sse.dataOf("room:p")).containsExactly("\"before\"", "\"after\"");
            assertThat(c.ws.ofType("gap")).isEmpty();
            assertThat(c.ws.closeCode).isEqualTo(-1);
            assertThat(c.sse.ended).isFalse();
            assertThat(RedisE2e.numsub(server, key(tenant, "room:p"))).isEqualTo(1);
        }
    }
}

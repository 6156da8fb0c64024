package io.rtgw.server;

import static io.rtgw.server.RedisE2e.key;
import static io.rtgw.server.RedisE2e.numsub;
import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes on one Redis behave as one service: what is published through either node's API or
 * straight into Redis reaches the clients of the other, once and in order; each node holds one
 * Redis subscription per channel, however many of its clients share it.
 */
@Timeout(150)
class RedisTwoNodesIT {
    /** The smallest linger the configuration accepts (it must exceed the 55 s long-poll hold). */
    private static final String MIN_LINGER = "55001ms";
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    private static RunningGateway a;
    private static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        a = RedisE2e.node(redis.server().uri(), "RTGW_SUBSCRIPTION_LINGER", MIN_LINGER);
        b = RedisE2e.node(redis.server().uri(), "RTGW_SUBSCRIPTION_LINGER", MIN_LINGER);
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

    @Test
    void clientsOnOneNodeGetWhatIsPublishedThroughTheOtherAndThroughRedisOnceAndInOrder(RedisServer server)
            throws Exception {
        String tenant = redis.tenant();
        String jwt = token("carol", tenant, "room:*");
        try (WsClient ws1 = WsClient.connect(a.ws(), jwt);
             WsClient ws2 = WsClient.connect(a.ws(), jwt);
             SseClient sse = SseClient.open(a.pub(RedisE2e.sseQuery("/sse", List.of("room:x"), null)),
                     Map.of("Authorization", "Bearer " + jwt))) {
            for (WsClient ws : List.of(ws1, ws2)) {
                ws.send("{\"type\":\"subscribe\",\"channel\":\"room:x\"}");
                ws.subscribed("room:x");
            }
            sse.connected();

            List<String> ids = new ArrayList<>();
            List<String> data = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String json = "{\"n\":" + i + "}";
                if (i % 2 == 0) {
                    var r = b.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"room:x\",\"data\":" + json + "}");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    ids.add(RedisE2e.JSON.readTree(r.body()).path("id").asText());
                } else {
                    ids.add(server.cli("FCALL", "rtgw_publish", "1", key(tenant, "room:x"), "", json));
                }
                data.add(json);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> ws1.idsOf("room:x").size() >= 30
                    && ws2.idsOf("room:x").size() >= 30 && sse.dataOf("room:x").size() >= 30);
            for (WsClient ws : List.of(ws1, ws2)) {
                assertThat(ws.idsOf("room:x")).containsExactlyElementsOf(ids);
                assertThat(ws.dataOf("room:x")).containsExactlyElementsOf(data);
                assertThat(ws.ofType("gap")).isEmpty();
            }
            assertThat(sse.dataOf("room:x")).containsExactlyElementsOf(data);
            assertThat(sse.events.stream().filter(e -> !e.event().startsWith("rtgw."))
                    .map(e -> e.data().path("id").asText())).containsExactlyElementsOf(ids);
            // node A held the channel once for its three clients, node B not at all
            assertThat(numsub(server, key(tenant, "room:x"))).isEqualTo(1);
        }
    }

    @Test
    void eachNodeSubscribesAChannelOnceAndLetsGoAfterTheLingerOfItsLastClient(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String jwt = token("dave", tenant, "room:*");
        String key = key(tenant, "room:n");
        String subscribe = "{\"type\":\"subscribe\",\"channel\":\"room:n\"}";
        List<WsClient> onA = new ArrayList<>();
        WsClient onB = null;
        SseClient sseOnA = null;
        try {
            for (int i = 0; i < 3; i++) {
                WsClient c = WsClient.connect(a.ws(), jwt);
                onA.add(c);
                c.send(subscribe);
                c.subscribed("room:n");
                assertThat(numsub(server, key)).as("after %d clients on node A", i + 1).isEqualTo(1);
            }
            sseOnA = SseClient.open(a.pub(RedisE2e.sseQuery("/sse", List.of("room:n"), null)),
                    Map.of("Authorization", "Bearer " + jwt));
            sseOnA.connected();
            assertThat(numsub(server, key)).isEqualTo(1);
            onB = WsClient.connect(b.ws(), jwt);
            onB.send(subscribe);
            onB.subscribed("room:n");
            assertThat(numsub(server, key)).as("one subscription per node").isEqualTo(2);

            // node A's clients leave in every way there is: unsubscribe, close, stream dropped
            onA.get(0).send("{\"type\":\"unsubscribe\",\"channel\":\"room:n\"}");
            onA.get(0).await("unsubscribed", m -> true);
            onA.get(1).close();
            sseOnA.close();
            assertThat(numsub(server, key)).as("A still has a client").isEqualTo(2);
            onA.get(2).close();
            onB.send("{\"type\":\"unsubscribe\",\"channel\":\"room:n\"}");
            onB.await("unsubscribed", m -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.gateway.hub().activeChannels().stream()
                    .noneMatch(c -> c.name().equals("room:n")));
            // lingering: both nodes still hold it, so a client coming back costs no resubscription
            assertThat(numsub(server, key)).isEqualTo(2);
            // after the linger neither node holds room:n; each keeps only user:dave, the personal
            // channel of its one remaining client
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(List.of(numsub(server, key), a.gateway.hub().channelCount(),
                            b.gateway.hub().channelCount())).containsExactly(0, 1, 1));
            assertThat(numsub(server, key(tenant, "user:dave"))).isEqualTo(2);
        } finally {
            onA.forEach(WsClient::close);
            if (onB != null) {
                onB.close();
            }
            if (sseOnA != null) {
                sseOnA.close();
            }
        }
    }
}

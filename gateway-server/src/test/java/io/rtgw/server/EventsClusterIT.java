package io.rtgw.server;

import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisCluster;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code RTGW_EVENTS=redis} on Redis Cluster (docs/protocol.md §10): every key of a tenant's
 * events, its stream included, shares the tenant's hash tag, so each script runs in one slot.
 */
@Timeout(150)
class EventsClusterIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    @Test
    void aTenantsEventsReachItsStreamOnCluster(RedisCluster cluster) throws Exception {
        String[] tenants = {redis.tenant(), redis.tenant() + "b", redis.tenant() + "c"};
        try (RunningGateway a = RedisE2e.node(cluster.seedUri(), EventsRedisIT.settings("300ms"));
             RunningGateway b = RedisE2e.node(cluster.seedUri(), EventsRedisIT.settings("300ms"));
             EventStreamReader stream = EventStreamReader.cluster(cluster.nodes().get(0).uri())) {
            for (String tenant : tenants) {
                String jwt = token("alice", tenant, "room:*");
                try (WsClient onA = WsClient.connect(a.ws(), jwt); WsClient onB = WsClient.connect(b.ws(), jwt)) {
                    onA.send("{\"type\":\"subscribe\",\"channel\":\"room:1\"}");
                    onA.subscribed("room:1");
                    onB.await("welcome", m -> true);
                }
            }
            for (String tenant : tenants) {
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.of(tenant, "offline").size() == 1
                        && stream.of(tenant, "vacated").size() == 2);
                assertThat(stream.of(tenant, "online")).hasSize(1);
                assertThat(stream.of(tenant, "connect")).hasSize(2);
                assertThat(stream.of(tenant, "disconnect")).hasSize(2);
                assertThat(stream.of(tenant, "occupied")).hasSize(2);
            }
        }
    }
}

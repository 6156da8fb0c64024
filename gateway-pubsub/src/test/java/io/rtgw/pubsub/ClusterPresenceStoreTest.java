package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.presence.PresenceEntry;
import io.rtgw.core.presence.PresenceStore;
import io.rtgw.core.presence.PresenceTracker;
import io.rtgw.testkit.RedisCluster;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence on a three-master Redis Cluster: each channel's hash sits in the channel's own slot
 * (its hash tag), so joins, renewals, reads and the delete-on-read script never cross slots, and
 * a node's renewal reaches channels spread over every master.
 */
class ClusterPresenceStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    private final PresenceStores.MovableClock clock = new PresenceStores.MovableClock();
    private RedisCluster cluster;
    private String tenant;
    private RedisControlPlane planeA;
    private RedisControlPlane planeB;

    @BeforeEach
    void start() throws Exception {
        cluster = redis.cluster();
        tenant = redis.tenant();
        planeA = PresenceStores.node(cluster.seedUri(), redis.keyPrefix(), "node-a", clock);
        planeB = PresenceStores.node(cluster.seedUri(), redis.keyPrefix(), "node-b", clock);
    }

    @AfterEach
    void stop() {
        planeA.close();
        planeB.close();
    }

    @Test
    void channelsOnEveryMasterJoinRenewExpireAndReadFromTheirOwnSlot() throws Exception {
        Duration interval = Duration.ofSeconds(10);
        PresenceStore a = planeA.presenceStore("node-a", interval);
        PresenceStore b = planeB.presenceStore("node-b", interval);
        List<ChannelName> channels = new ArrayList<>();
        Set<String> slots = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            ChannelName c = ChannelName.of(tenant, "chat:" + i);
            channels.add(c);
            String key = redis.keyPrefix() + ":{" + tenant + ":chat:" + i + "}";
            assertThat(cluster.cli("CLUSTER", "KEYSLOT", key + ":p")).isEqualTo(cluster.cli("CLUSTER", "KEYSLOT", key));
            slots.add(cluster.cli("CLUSTER", "KEYSLOT", key));
            a.add(c, new PresenceEntry("ca" + i, "alice", "{\"n\":" + i + "}", 1)).get(30, TimeUnit.SECONDS);
            b.add(c, new PresenceEntry("cb" + i, "bob", null, 2)).get(30, TimeUnit.SECONDS);
        }
        assertThat(slots).as("spread over slots").hasSizeGreaterThan(3);
        assertThat(a.renew(channels).get(30, TimeUnit.SECONDS)).isEmpty();
        for (int i = 0; i < 12; i++) {
            assertThat(b.entries(channels.get(i)).get(30, TimeUnit.SECONDS)).containsExactlyInAnyOrder(
                    new PresenceEntry("ca" + i, "alice", "{\"n\":" + i + "}", 1), new PresenceEntry("cb" + i, "bob", null, 2));
        }
        // b stops renewing; a renews once an interval: past b's lease only a's entries are left
        clock.advance(interval);
        a.renew(channels).get(30, TimeUnit.SECONDS);
        clock.advance(RedisPresenceStore.leaseWindow(interval).minus(interval).plusMillis(1));
        for (int i = 0; i < 12; i++) {
            assertThat(a.entries(channels.get(i)).get(30, TimeUnit.SECONDS)).extracting(PresenceEntry::client)
                    .containsExactly("ca" + i);
        }
    }

    @Test
    void theTrackerRenewsAndRepairsAcrossMasters() throws Exception {
        PresenceTracker tracker = new PresenceTracker(planeA.presenceStore("node-a", Duration.ofMillis(200)),
                Duration.ofMillis(200), GatewayObserver.NOOP).start();
        PresenceStore reader = planeB.presenceStore("node-b", Duration.ofSeconds(10));
        try {
            List<ChannelName> channels = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ChannelName c = ChannelName.of(tenant, "room:" + i);
                channels.add(c);
                tracker.join(c, new PresenceEntry("c" + i, "alice", null, 1));
            }
            for (ChannelName c : channels) {
                await().atMost(WAIT).until(() -> reader.entries(c).get(30, TimeUnit.SECONDS).size() == 1);
            }
            cluster.flushAll(); // every master lost everything
            for (ChannelName c : channels) {
                await().atMost(WAIT).ignoreExceptions()
                        .until(() -> reader.entries(c).get(30, TimeUnit.SECONDS).size() == 1);
            }
        } finally {
            tracker.close();
        }
    }
}

package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisCluster;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A three-master Redis Cluster: sharded pub/sub per channel, history on the channel's slot. */
class ClusterBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    private final RecordingListener listener = new RecordingListener();
    private RedisBroker broker;
    private RedisCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = redis.cluster();
        broker = new RedisBroker(TestBrokers.config(cluster.seedUri(), null).build());
        broker.start(listener).get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void channelsOverManySlotsDeliverThroughShardedPubSubAndKeepHistory() throws Exception {
        List<ChannelName> rooms = new ArrayList<>();
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            ChannelName room = ChannelName.of(redis.tenant(), "room:" + i);
            rooms.add(room);
            broker.subscribe(room).get(10, TimeUnit.SECONDS);
            owners.add(cluster.cli("CLUSTER", "KEYSLOT", broker.redisKey(room)));
        }
        assertThat(owners).as("distinct slots").hasSizeGreaterThan(10);
        Map<ChannelName, StreamPosition> ids = new java.util.HashMap<>();
        for (ChannelName room : rooms) {
            ids.put(room, broker.publish(new PublishRequest(room, "ev", "{\"room\":\"" + room.name() + "\"}", null))
                    .get(10, TimeUnit.SECONDS));
        }
        await().atMost(WAIT).until(() -> rooms.stream().allMatch(r -> listener.of(r).size() == 1));
        for (ChannelName room : rooms) {
            assertThat(listener.of(room).get(0).position()).isEqualTo(ids.get(room));
            HistoryResult history = broker.history(room, StreamPosition.start(ids.get(room).epoch()), 10)
                    .get(10, TimeUnit.SECONDS);
            assertThat(history.recovered()).isTrue();
            assertThat(history.publications()).extracting(Publication::position).containsExactly(ids.get(room));
        }
    }

    @Test
    void appsFcallAndSpublishAgainstTheCluster() throws Exception {
        ChannelName room = ChannelName.of(redis.tenant(), "room:app");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        String key = broker.redisKey(room);
        String id = cluster.cli("FCALL", "rtgw_publish", "1", key, "chat", "{\"a\": 1}");
        cluster.cli("SPUBLISH", key, "plain");
        await().atMost(WAIT).until(() -> listener.of(room).size() == 2);
        assertThat(listener.of(room).get(0).position()).hasToString(id);
        assertThat(listener.of(room).get(0).data()).isEqualTo("{\"a\":1}");
        assertThat(listener.of(room).get(1).position()).isNull();
        assertThat(listener.of(room).get(1).data()).isEqualTo("\"plain\"");
        assertThat(cluster.cli("PUBSUB", "NUMPAT")).isEqualTo("0");
        broker.unsubscribe(room).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSilentShardIsFoundByItsOwnProbe() throws Exception {
        RecordingListener quick = new RecordingListener();
        try (RedisBroker probing = new RedisBroker(TestBrokers.config(cluster.seedUri(), null)
                .probeTimeout(Duration.ofSeconds(1)).build())) {
            probing.start(quick).get(30, TimeUnit.SECONDS);
            // one master only: the other shards' probes keep coming back
            cluster.nodes().get(2).cli("CLIENT", "PAUSE", "3000", "ALL");
            await().atMost(WAIT).until(() -> quick.downs.get() >= 1);
            await().atMost(WAIT).until(() -> quick.ups.get() >= 2 && probing.isUp());
            List<ChannelName> rooms = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ChannelName room = ChannelName.of(redis.tenant(), "after:" + i);
                probing.subscribe(room).get(10, TimeUnit.SECONDS);
                probing.publish(new PublishRequest(room, "ev", "1", null)).get(10, TimeUnit.SECONDS);
                rooms.add(room);
            }
            await().atMost(WAIT).until(() -> rooms.stream().allMatch(r -> quick.of(r).size() == 1));
        }
    }

    @Test
    void topologyRefreshesDoNotFlapTheBroker() throws Exception {
        RecordingListener steady = new RecordingListener();
        try (RedisBroker refreshing = new RedisBroker(TestBrokers.config(cluster.seedUri(), null)
                .topologyRefresh(Duration.ofMillis(300)).build())) {
            refreshing.start(steady).get(30, TimeUnit.SECONDS);
            long before = clusterNodesCalls();
            // each refresh opens connections through the broker's own client, asks CLUSTER NODES, closes them
            await().atMost(WAIT).until(() -> clusterNodesCalls() >= before + 4);
            assertThat(steady.downs.get()).isZero();
            assertThat(steady.ups.get()).isEqualTo(1);
            assertThat(refreshing.isUp()).isTrue();
        }
    }

    /** Issue 13 on Cluster: version 1's envelope bytes SPUBLISHed by an app are no publication with an id. */
    @Test
    void envelopeBytesSpublishedByAnAppNeverGetAnId() throws Exception {
        ChannelName room = ChannelName.of(redis.tenant(), "room:forged");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        String key = broker.redisKey(room);
        assertThat(cluster.cli("CLUSTER", "KEYSLOT", key + ":e")).isEqualTo(cluster.cli("CLUSTER", "KEYSLOT", key));
        StreamPosition first = StreamPosition.parse(cluster.cli("FCALL", "rtgw_publish", "1", key, "chat", "1"));
        for (String epoch : List.of(first.epoch(), "fakeepoch")) {
            java.io.ByteArrayOutputStream forged = new java.io.ByteArrayOutputStream();
            forged.writeBytes(Envelope.LEGACY_MARKER);
            forged.writeBytes(("777\n" + epoch + "\n0\nchat\n{}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            spublishAtOwner(key, forged.toByteArray());
        }
        cluster.cli("SPUBLISH", key, "plain");
        StreamPosition next = StreamPosition.parse(cluster.cli("FCALL", "rtgw_publish", "1", key, "chat", "2"));
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> next.equals(p.position())));
        assertThat(next).isEqualTo(first.next());
        assertThat(listener.of(room)).extracting(p -> p.position() == null ? p.data() : p.position().toString())
                .containsExactly(first.toString(), "\"plain\"", next.toString());
    }

    /** SPUBLISH of binary bytes, sent to the master that owns the channel's slot (the others answer MOVED). */
    private void spublishAtOwner(String key, byte[] payload) {
        int delivered = 0;
        for (io.rtgw.testkit.RedisServer node : cluster.nodes()) {
            try {
                node.command(io.rtgw.testkit.RespClient.utf8("SPUBLISH"), io.rtgw.testkit.RespClient.utf8(key), payload);
                delivered++;
            } catch (RuntimeException moved) {
                // not the owner
            }
        }
        assertThat(delivered).isEqualTo(1);
    }

    @Test
    void aChannelWhoseSlotMovesIsSubscribedAgainAtItsNewMaster() throws Exception {
        ChannelName room = ChannelName.of(redis.tenant(), "room:moving");
        broker.subscribe(room).get(10, TimeUnit.SECONDS);
        int slot = Integer.parseInt(cluster.cli("CLUSTER", "KEYSLOT", broker.redisKey(room)));
        String owner = null;
        String target = null;
        for (String line : cluster.cli("CLUSTER", "NODES").split("\n")) {
            String[] f = line.split(" ");
            boolean owns = false;
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                owns |= slot >= from && slot <= to;
            }
            if (owns) {
                owner = f[0];
            } else if (target == null) {
                target = f[0];
            }
        }
        // the slot holds no keys yet (nothing was published), so it can simply be reassigned
        String targetId = target;
        String ownerId = owner;
        List<? extends io.rtgw.testkit.RedisServer> nodes = cluster.nodes();
        // a fresh config epoch first, so that gossip from a slow node cannot hand the slot back
        // to its old owner while the move spreads (under load it did, for longer than WAIT)
        nodes.stream().filter(n -> n.cli("CLUSTER", "MYID").equals(targetId)).forEach(n -> n.cli("CLUSTER", "BUMPEPOCH"));
        nodes.stream().filter(n -> n.cli("CLUSTER", "MYID").equals(targetId)).forEach(n -> n.cli("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId));
        nodes.stream().filter(n -> n.cli("CLUSTER", "MYID").equals(ownerId)).forEach(n -> n.cli("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId));
        nodes.stream().filter(n -> !List.of(ownerId, targetId).contains(n.cli("CLUSTER", "MYID")))
                .forEach(n -> n.cli("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId));

        await().atMost(WAIT).until(() -> listener.downs.get() >= 1);
        await().atMost(WAIT).until(() -> listener.ups.get() >= 2 && broker.isUp());
        StreamPosition id = broker.publish(new PublishRequest(room, "ev", "\"moved\"", null)).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> id.equals(p.position())));
    }

    private long clusterNodesCalls() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_cluster\\|nodes:calls=(\\d+)")
                .matcher(cluster.nodes().get(0).cli("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}

package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.presence.PresenceEntry;
import io.rtgw.core.presence.PresenceStore;
import io.rtgw.core.presence.PresenceTracker;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence sets in a real (standalone) Redis, two nodes sharing it (docs/protocol.md §9,
 * docs/scaling.md "Presence keys in Redis"): one hash per channel, leases per node, expiry of a
 * node that stopped renewing, one key per read, and entries rewritten after Redis lost them.
 */
class RedisPresenceStoreTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();

    private final PresenceStores.MovableClock clock = new PresenceStores.MovableClock();
    private RedisServer server;
    private String tenant;
    private RedisControlPlane planeA;
    private RedisControlPlane planeB;
    private PresenceStore a;
    private PresenceStore b;
    private ChannelName chat;

    @BeforeEach
    void start() throws Exception {
        server = redis.server();
        tenant = redis.tenant();
        chat = ChannelName.of(tenant, "chat:1");
        planeA = PresenceStores.node(server.uri(), redis.keyPrefix(), "node-a", clock);
        planeB = PresenceStores.node(server.uri(), redis.keyPrefix(), "node-b", clock);
        a = planeA.presenceStore("node-a", INTERVAL);
        b = planeB.presenceStore("node-b", INTERVAL);
    }

    @AfterEach
    void stop() {
        planeA.close();
        planeB.close();
    }

    private String key() {
        return redis.keyPrefix() + ":{" + tenant + ":chat:1}:p";
    }

    private static PresenceEntry entry(String client, String info) {
        return new PresenceEntry(client, "u-" + client, info, 1_700_000_000L);
    }

    private List<PresenceEntry> read(PresenceStore store) throws Exception {
        return store.entries(chat).get(30, TimeUnit.SECONDS);
    }

    private static List<String> clients(List<PresenceEntry> entries) {
        return entries.stream().map(PresenceEntry::client).sorted().toList();
    }

    @Test
    void entriesOfBothNodesLiveInOneHashInTheChannelsHashTag() throws Exception {
        assertThat(a.add(chat, entry("ca", "{\"name\":\"A\"}")).get(30, TimeUnit.SECONDS)).as("first lease").isTrue();
        assertThat(a.add(chat, entry("ca2", null)).get(30, TimeUnit.SECONDS)).as("lease already held").isFalse();
        b.add(chat, entry("cb", null)).get(30, TimeUnit.SECONDS);
        assertThat(read(b)).containsExactlyInAnyOrder(entry("ca", "{\"name\":\"A\"}"), entry("ca2", null), entry("cb", null));
        assertThat(server.cli("HLEN", key())).as("three connections, two node leases").isEqualTo("5");
        assertThat(server.cli("HEXISTS", key(), "n:node-a")).isEqualTo("1");
        long ttl = Long.parseLong(server.cli("PTTL", key()));
        assertThat(ttl).as("the key goes when no node renews").isPositive().isLessThanOrEqualTo(25_000);

        a.remove(chat, "ca", false).get(30, TimeUnit.SECONDS);
        a.remove(chat, "ca2", true).get(30, TimeUnit.SECONDS);
        assertThat(clients(read(a))).containsExactly("cb");
        assertThat(server.cli("HEXISTS", key(), "n:node-a")).as("the last leave drops the lease").isEqualTo("0");
    }

    @Test
    void aQueryReadsOneKey() throws Exception {
        a.add(chat, entry("ca", null)).get(30, TimeUnit.SECONDS);
        b.add(chat, entry("cb", null)).get(30, TimeUnit.SECONDS);
        long before = calls("hgetall");
        long reads = totalReads();
        assertThat(read(a)).hasSize(2);
        assertThat(calls("hgetall") - before).isEqualTo(1);
        assertThat(totalReads() - reads).as("no other read command").isEqualTo(1);
    }

    @Test
    void aNodeThatStopsRenewingLosesItsEntriesWhenItsLeaseEndsAndReadersDeleteThem() throws Exception {
        a.add(chat, entry("ca", null)).get(30, TimeUnit.SECONDS);
        b.add(chat, entry("cb", null)).get(30, TimeUnit.SECONDS);
        b.add(chat, entry("cb2", null)).get(30, TimeUnit.SECONDS);
        // node b dies now; node a keeps renewing every interval
        Duration lease = RedisPresenceStore.leaseWindow(INTERVAL);
        assertThat(lease).as("within 3 intervals").isLessThan(INTERVAL.multipliedBy(3));
        clock.advance(INTERVAL);
        assertThat(a.renew(List.of(chat)).get(30, TimeUnit.SECONDS)).isEmpty();
        clock.advance(lease.minus(INTERVAL));
        assertThat(clients(read(a))).as("at the end of its lease b still counts").containsExactly("ca", "cb", "cb2");
        clock.advance(Duration.ofMillis(1));
        assertThat(clients(read(a))).containsExactly("ca");
        await().atMost(WAIT).until(() -> server.cli("HLEN", key()).equals("2")); // deleted on the way: ca and a's lease
        assertThat(server.cli("HEXISTS", key(), "n:node-b")).isEqualTo("0");
    }

    @Test
    void readersNeverDeleteTheEntriesOfANodeThatRenewedSinceTheirRead() throws Exception {
        b.add(chat, entry("cb", null)).get(30, TimeUnit.SECONDS);
        clock.advance(RedisPresenceStore.leaseWindow(INTERVAL).plusMillis(1));
        // b renews with the moved clock first; a reader working from an older read must not delete it
        b.renew(List.of(chat)).get(30, TimeUnit.SECONDS);
        Object deleted = server.cli("EVAL", RedisPresenceStore.FORGET_SCRIPT, "1", key(),
                Long.toString(clock.millis()), "n:node-b", "c:cb");
        assertThat(deleted).isEqualTo("0");
        assertThat(clients(read(a))).containsExactly("cb");
    }

    @Test
    void renewalIsOneCommandPairPerChannelAndReportsTheChannelsWhoseLeaseWasLost() throws Exception {
        ChannelName other = ChannelName.of(tenant, "chat:2");
        a.add(chat, entry("ca", null)).get(30, TimeUnit.SECONDS);
        a.add(other, entry("ca", null)).get(30, TimeUnit.SECONDS);
        long hsets = calls("hset");
        assertThat(a.renew(List.of(chat, other)).get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(calls("hset") - hsets).isEqualTo(2);
        server.cli("DEL", key());
        assertThat(a.renew(List.of(chat, other)).get(30, TimeUnit.SECONDS)).containsExactly(chat);
    }

    @Test
    void theTrackerWritesItsEntriesAgainAfterRedisRestartedEmpty() throws Exception {
        PresenceTracker tracker = new PresenceTracker(planeA.presenceStore("node-a", Duration.ofMillis(200)),
                Duration.ofMillis(200), GatewayObserver.NOOP).start();
        try {
            tracker.join(chat, entry("ca", null));
            tracker.join(chat, entry("ca2", null));
            await().atMost(WAIT).until(() -> clients(read(b)).size() == 2);
            server.restartEmpty();
            await().atMost(WAIT).ignoreExceptions().until(() -> clients(read(b)).equals(List.of("ca", "ca2")));
        } finally {
            tracker.close();
        }
    }

    private long calls(String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(server.cli("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private long totalReads() {
        long n = 0;
        for (String c : Set.of("hgetall", "hget", "hmget", "hscan", "hkeys", "hvals", "get", "scan", "keys", "eval")) {
            n += calls(c);
        }
        return n;
    }
}

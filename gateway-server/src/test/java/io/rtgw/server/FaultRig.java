package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set-up every fault scenario shares (docs/protocol.md §4, §5): gateway nodes on one Redis,
 * a WebSocket, an SSE and a long-poll client on each, and an app publishing steadily through
 * the nodes' admin API. {@link #survives} runs one fault through it and checks every client.
 */
final class FaultRig implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(45);
    /**
     * Every node of the suite: a short probe so a silenced link is found in seconds, a short
     * position check (docs/configuration.md), and history deep enough for any outage here.
     */
    static final List<String> NODE_SETTINGS = List.of(
            "RTGW_REDIS_PROBE_INTERVAL", "500ms",
            "RTGW_POSITION_CHECK", "1s",
            "RTGW_HISTORY_SIZE", "10000");
    private static final Logger log = LoggerFactory.getLogger(FaultRig.class);
    /**
     * Whether a poll made while Redis is away may be answered 503 (the client polls again from
     * the same cursor, so nothing is lost). docs/protocol.md §4 wants it held pending instead;
     * set this to false once pending subscribes are in.
     */
    static final boolean LONG_POLL_MAY_BE_REFUSED = false;

    final List<RunningGateway> nodes;
    private final String redisUrl;
    private final String[] settings;

    private FaultRig(List<RunningGateway> nodes, String redisUrl, String[] settings) {
        this.nodes = nodes;
        this.redisUrl = redisUrl;
        this.settings = settings;
    }

    /** {@code count} nodes on this Redis URL with {@link #NODE_SETTINGS}, then {@code overrides} (name, value…). */
    static FaultRig start(String redisUrl, int count, String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(NODE_SETTINGS);
        settings.addAll(List.of(overrides));
        String[] all = settings.toArray(String[]::new);
        List<RunningGateway> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                nodes.add(RedisE2e.node(redisUrl, all));
            }
        } catch (Exception | Error e) {
            nodes.forEach(RunningGateway::close);
            throw e;
        }
        return new FaultRig(nodes, redisUrl, all);
    }

    /** One more node like the rig's, not part of it: the caller closes it. */
    RunningGateway newNode() throws Exception {
        return RedisE2e.node(redisUrl, settings);
    }

    /** Stops node {@code index} (an orderly stop); {@link #replace} starts its successor. */
    void stop(int index) {
        nodes.get(index).close();
    }

    /** A new node (new id, new ports) in the place of node {@code index}, which must be stopped. */
    RunningGateway replace(int index) throws Exception {
        RunningGateway next = newNode();
        nodes.set(index, next);
        return next;
    }

    FaultClients clients(String tenant, String channel) throws Exception {
        return FaultClients.open(nodes, tenant, channel);
    }

    /** A disturbance of Redis, struck while {@code app} publishes; over when it returns. */
    @FunctionalInterface
    interface Fault {
        void strike(AckedPublisher app) throws Exception;
    }

    /**
     * Publishes steadily while {@code fault} strikes, then checks that every client got every
     * acknowledged publication exactly once and in order, or a gap notice in its place.
     */
    void survives(String tenant, String channel, Fault fault) throws Exception {
        survives(tenant, channel, fault, true);
    }

    /**
     * @param uniqueIds whether the app must have been given a distinct id for every publication;
     *                  false only where Redis itself may lose acknowledged writes (asynchronous
     *                  replication), whose ids the next writes can then be given again
     */
    void survives(String tenant, String channel, Fault fault, boolean uniqueIds) throws Exception {
        try (FaultClients clients = clients(tenant, channel)) {
            await("every client subscribed").atMost(WAIT).until(clients::allConfirmed);
            List<AckedPublisher.Acked> acked;
            try (AckedPublisher app = new AckedPublisher(nodes, tenant, channel).start()) {
                await("20 publications acknowledged before the fault").atMost(WAIT).until(() -> app.ackedCount() >= 20);
                String early = app.acknowledged().get(9).id();
                await("every client got the 10th publication").atMost(WAIT).until(() -> clients.allReceived(early));

                fault.strike(app);
                await("every node ready after the fault").atMost(WAIT).until(() -> nodes.stream().allMatch(FaultRig::ready));
                int afterFault = app.ackedCount();
                await("20 publications acknowledged after the fault").atMost(WAIT)
                        .until(() -> app.ackedCount() >= afterFault + 20);
                app.close();
                acked = app.acknowledged();
                log.info("{} publications acknowledged, {} attempts refused", acked.size(), app.refusedCount());
            }
            if (uniqueIds) {
                assertThat(acked).extracting(AckedPublisher.Acked::id)
                        .as("ids are unique per channel (docs/protocol.md §5)").doesNotHaveDuplicates();
            }
            String last = acked.get(acked.size() - 1).id();
            awaitLast(clients, last);
            for (WatchedClient c : clients.all()) {
                int missing = DeliveryCheck.assertEveryAckedOnceInOrderOrGap(c, acked);
                log.info("{}: {} of {} acknowledged publications covered by a gap; refused {}", c.name(), missing,
                        acked.size(), c.refusals());
                if (!(LONG_POLL_MAY_BE_REFUSED && c.name().startsWith("long-poll"))) {
                    assertThat(c.refusals()).as("%s kept its subscription", c.name()).isEmpty();
                }
            }
        }
    }

    /**
     * Until every client has the last acknowledged publication; if one never gets it, fails
     * saying which clients stopped where, as a silent stall is the failure this suite hunts.
     */
    private static void awaitLast(FaultClients clients, String last) {
        try {
            await("every client got the last acknowledged publication " + last).atMost(WAIT)
                    .until(() -> clients.allReceived(last));
        } catch (ConditionTimeoutException e) {
            StringBuilder stalled = new StringBuilder();
            for (WatchedClient c : clients.all()) {
                if (!c.received(last)) {
                    List<WatchedClient.Seen> seen = c.seen();
                    stalled.append('\n').append(c.name()).append(": ").append(seen.size()).append(" seen, last ")
                            .append(seen.subList(Math.max(0, seen.size() - 3), seen.size()))
                            .append(", refused ").append(c.refusals());
                }
            }
            throw new AssertionError("clients stalled before " + last + ":" + stalled, e);
        }
    }

    /** One publication through a node's admin API; @return its id */
    String publish(int node, String tenant, String channel, String json) throws Exception {
        var r = nodes.get(node).publish(RunningGateway.API_KEY,
                "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel + "\",\"data\":" + json + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RedisE2e.JSON.readTree(r.body()).path("id").asText();
    }

    static boolean ready(RunningGateway node) {
        try {
            return RedisE2e.readyz(node) == 200 && RedisE2e.brokerUp(node) == 1.0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Until every node has told its readiness probe that Redis is gone. */
    void awaitAllUnready() {
        await().atMost(WAIT).until(() -> nodes.stream().noneMatch(FaultRig::ready));
    }

    /** Until the app has been refused a few more times: it has felt the outage. */
    static void awaitRefusals(AckedPublisher app) {
        int before = app.refusedCount();
        await().atMost(WAIT).until(() -> app.refusedCount() >= before + 3);
    }

    @Override
    public void close() {
        nodes.forEach(RunningGateway::close);
    }
}

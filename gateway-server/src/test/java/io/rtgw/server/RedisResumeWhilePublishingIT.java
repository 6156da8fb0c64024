package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.SseClient;
import io.rtgw.transport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions that resume while publications arrive get every publication up to the last one, once
 * and in order, with nothing published after it to push it out (docs/protocol.md §5): WebSocket
 * clients that drop and come back with {@code since} over and over, long-poll clients (one new
 * session per poll), and clients that make the node subscribe a channel while its only
 * publication is being made. The node checks no positions, so a publication that the node's
 * feed let go by would stay missing. Repeated over fresh channels, since a race shows rarely.
 *
 * <p>Before the feed confirmed its subscription, several of each round's 40 first subscribers
 * stayed at the position before their channel's only publication: made between the node's head
 * read and its broker subscription, it was in neither the feed's recent publications nor the
 * live stream.
 */
@Timeout(120)
class RedisResumeWhilePublishingIT {
    private static final int ROUNDS = 3;
    private static final int CHANNELS = 3;
    private static final int HOPPERS_PER_CHANNEL = 5;
    private static final int POLLERS_PER_CHANNEL = 2;
    private static final int PUBLICATIONS_PER_CHANNEL = 30;
    private static final int LATE_CHANNELS = 40;
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();
    private static RunningGateway node;

    @BeforeAll
    static void start() throws Exception {
        node = RedisE2e.node(redis.server().uri(), "RTGW_POSITION_CHECK", "0", "RTGW_PERSONAL_CHANNEL", "false");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyClientGetsEveryPublicationUpToTheLastOnceAndInOrder() throws Exception {
        String tenant = redis.tenant();
        String jwt = token("racer", tenant, "race:*");
        for (int round = 0; round < ROUNDS; round++) {
            List<String> channels = new ArrayList<>();
            for (int c = 0; c < CHANNELS; c++) {
                channels.add("race:r" + round + "-" + c);
            }
            List<Poller> pollers = new ArrayList<>();
            for (String channel : channels) {
                for (int i = 0; i < POLLERS_PER_CHANNEL; i++) {
                    pollers.add(new Poller(channel, jwt));
                }
            }
            pollers.forEach(Poller::start);
            await().atMost(WAIT).until(() -> pollers.stream().allMatch(p -> p.cursor != null));

            AtomicBoolean publishing = new AtomicBoolean(true);
            List<Hopper> hoppers = new ArrayList<>();
            for (String channel : channels) {
                for (int i = 0; i < HOPPERS_PER_CHANNEL; i++) {
                    hoppers.add(new Hopper(channel, jwt, publishing));
                }
            }
            // one client, already connected, subscribing fresh channels while their only publication is being made
            LateSubscriber late = new LateSubscriber(jwt);
            for (int c = 0; c < LATE_CHANNELS; c++) {
                late.channels.add("race:r" + round + "-late" + c);
            }
            Map<String, List<String>> acked = new java.util.concurrent.ConcurrentHashMap<>();
            Thread publisher = new Thread(() -> {
                try {
                    for (int n = 0; n < PUBLICATIONS_PER_CHANNEL * CHANNELS; n++) {
                        if (n == CHANNELS) {
                            hoppers.forEach(Hopper::start); // they join and hop while publishing goes on
                        }
                        String channel = channels.get(n % CHANNELS);
                        acked.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(publish(tenant, channel, n));
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3)); // time for the hoppers to hop
                    }
                    for (String channel : late.channels) {
                        late.subscribe(channel);
                        // a little later each time, so that some land between the node's head read and its subscribe
                        long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(2));
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        acked.put(channel, List.of(publish(tenant, channel, 0)));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    publishing.set(false);
                }
            }, "race-publisher");
            publisher.start();
            publisher.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(publishing.get()).as("publisher done").isFalse();

            String roundName = "round " + round;
            await().atMost(WAIT).untilAsserted(() -> assertThat(behind(hoppers, pollers, late, acked))
                    .as(roundName + ": clients without the last publication of their channel").isEmpty());
            late.close();
            for (String channel : late.channels) {
                assertThat(late.received(channel)).as(roundName + ": " + channel + " from " + late.start(channel))
                        .containsExactlyElementsOf(after(acked.get(channel), late.start(channel)));
            }
            for (Poller p : pollers) {
                p.stop();
            }
            for (Hopper h : hoppers) {
                h.stop();
                assertThat(h.failure).as(roundName + " hopper failure").isNull();
                assertThat(h.gaps).as(roundName + " gaps").isZero();
                assertThat(h.received()).as(roundName + ": " + h.channel + " from " + h.start)
                        .containsExactlyElementsOf(after(acked.get(h.channel), h.start));
            }
            for (Poller p : pollers) {
                assertThat(p.failure).as(roundName + " poll failure").isNull();
                assertThat(p.received).as(roundName + ": " + p.channel + " polled")
                        .containsExactlyElementsOf(acked.get(p.channel));
            }
        }
    }

    /** The clients still without their channel's last publication, named for the report. */
    private static List<String> behind(List<Hopper> hoppers, List<Poller> pollers, LateSubscriber late,
                                       Map<String, List<String>> acked) {
        List<String> out = new ArrayList<>();
        hoppers.stream().filter(h -> !h.hasLast(acked.get(h.channel))).forEach(h -> out.add("ws " + h.channel));
        pollers.stream().filter(p -> !p.hasLast(acked.get(p.channel))).forEach(p -> out.add("poll " + p.channel));
        late.channels.stream().filter(c -> !late.hasLast(c, acked.get(c)))
                .forEach(c -> out.add("first subscriber of " + c + " from " + late.start(c)));
        return out;
    }

    private static String publish(String tenant, String channel, int n) throws Exception {
        var r = node.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"" + channel + "\",\"data\":" + n + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RedisE2e.JSON.readTree(r.body()).path("id").asText();
    }

    /** The ids after {@code start} (a position the client was given, perhaps before the first id). */
    private static List<String> after(List<String> ids, String start) {
        return ids.subList(ids.indexOf(start) + 1, ids.size());
    }

    private static String subscribe(String channel, String since) {
        return "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\""
                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}";
    }

    /**
     * A WebSocket client of one channel that drops after a few messages and comes back with
     * {@code since} set to the last id it has, for as long as publishing goes on; its last
     * connection then stays for the rest.
     */
    private static final class Hopper {
        final String channel;
        final String jwt;
        final AtomicBoolean publishing;
        /** What the earlier connections received; the current one's messages are in {@link #current}. */
        private final List<String> before = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::run, "race-hopper");
        /** The position of the first {@code subscribed}: where this client's channel started for it. */
        volatile String start;
        volatile int gaps;
        volatile Throwable failure;
        private volatile WsClient current;

        Hopper(String channel, String jwt, AtomicBoolean publishing) {
            this.channel = channel;
            this.jwt = jwt;
            this.publishing = publishing;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        List<String> received() {
            List<String> all = new ArrayList<>(before);
            WsClient c = current;
            if (c != null) {
                all.addAll(c.idsOf(channel));
            }
            return all;
        }

        boolean hasLast(List<String> acked) {
            String last = acked.get(acked.size() - 1);
            List<String> got = received();
            return last.equals(start) || !got.isEmpty() && got.get(got.size() - 1).equals(last);
        }

        private void run() {
            try {
                String since = null;
                while (true) {
                    WsClient c = WsClient.connect(node.ws(), jwt);
                    c.send(subscribe(channel, since));
                    String position = c.subscribed(channel).path("position").asText();
                    if (start == null) {
                        start = position;
                    }
                    current = c;
                    int hopAfter = ThreadLocalRandom.current().nextInt(1, 6);
                    await().atMost(WAIT).until(() -> c.idsOf(channel).size() >= hopAfter || !publishing.get());
                    if (!publishing.get()) {
                        return; // this connection gets the rest
                    }
                    List<String> got = c.idsOf(channel); // what arrives after this comes again from since
                    gaps += c.ofType("gap").size();
                    before.addAll(got);
                    since = got.get(got.size() - 1);
                    c.socket().abort();
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        void stop() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            WsClient c = current;
            if (c != null) {
                gaps += c.ofType("gap").size();
                c.close();
            }
        }
    }

    /** One WebSocket client that subscribes channels one after another on the same connection. */
    private static final class LateSubscriber {
        final List<String> channels = new ArrayList<>();
        private final WsClient client;

        LateSubscriber(String jwt) throws Exception {
            this.client = WsClient.connect(node.ws(), jwt);
        }

        void subscribe(String channel) {
            client.send(RedisResumeWhilePublishingIT.subscribe(channel, null));
        }

        String start(String channel) {
            return client.ofType("subscribed").stream().filter(n -> n.path("channel").asText().equals(channel))
                    .map(n -> n.path("position").asText()).findFirst().orElse(null);
        }

        /** Its ids, and the type of any gap or error on it (which fails the comparison). */
        List<String> received(String channel) {
            List<String> out = new ArrayList<>(client.idsOf(channel));
            client.received.stream().filter(n -> n.path("channel").asText().equals(channel))
                    .map(n -> n.path("type").asText()).filter(t -> t.equals("gap") || t.equals("error"))
                    .forEach(out::add);
            return out;
        }

        boolean hasLast(String channel, List<String> acked) {
            String last = acked.get(acked.size() - 1);
            List<String> got = client.idsOf(channel);
            return last.equals(start(channel)) || !got.isEmpty() && got.get(got.size() - 1).equals(last);
        }

        void close() {
            client.close();
        }
    }

    /** A long-poll client of one channel: each poll a new session on the node, resumed from the cursor. */
    private static final class Poller {
        final String channel;
        final String jwt;
        final List<String> received = new CopyOnWriteArrayList<>();
        volatile String cursor;
        volatile Throwable failure;
        private volatile boolean stopped;
        private final Thread thread;

        Poller(String channel, String jwt) {
            this.channel = channel;
            this.jwt = jwt;
            this.thread = new Thread(this::run, "race-poller");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        boolean hasLast(List<String> acked) {
            return !received.isEmpty() && received.get(received.size() - 1).equals(acked.get(acked.size() - 1));
        }

        private void run() {
            try {
                while (!stopped) {
                    String query = RedisE2e.sseQuery("/poll", List.of(channel), cursor) + "&timeout=1";
                    var r = SseClient.get(node.pub(query), Map.of("Authorization", "Bearer " + jwt));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    JsonNode answer = RedisE2e.JSON.readTree(r.body());
                    for (JsonNode m : RedisE2e.items(answer, "message", channel)) {
                        received.add(m.path("id").asText());
                    }
                    assertThat(RedisE2e.items(answer, "gap", channel)).isEmpty();
                    cursor = answer.path("cursor").asText();
                }
            } catch (Throwable e) {
                failure = e;
            }
        }
    }
}

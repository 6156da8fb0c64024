package io.rtgw.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientSessionTest {
    private static final String TENANT = "acme";
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** Big enough that racing publishers never outrun a catch-up; the "small" namespace keeps 50. */
    private Broker broker = new InMemoryBroker(new HistoryPolicies(new HistoryPolicy(1000, Duration.ofMinutes(5)),
            java.util.Map.of("small", new HistoryPolicy(50, Duration.ofMinutes(5)))));
    private Hub hub;
    private RecordingConnection connection;
    private ClientSession session;

    @AfterEach
    void stop() {
        loop.shutdownNow();
        timer.shutdownNow();
    }

    private ClientSession connect(ClientIdentity identity) throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        connection = new RecordingConnection(loop);
        SessionContext ctx = new SessionContext(hub, broker, token -> CompletableFuture.failedFuture(
                new AuthenticationException(AuthFailure.INVALID, "bad")), GatewayObserver.NOOP, SessionSettings.DEFAULTS);
        session = new ClientSession(connection, identity, ctx);
        onLoop(session::start);
        return session;
    }

    private static ClientIdentity user(String... channels) {
        return new ClientIdentity("alice", TENANT, 0,
                java.util.Arrays.stream(channels).map(ChannelPattern::parse).toList(), List.of(ChannelPattern.parse("chat:*")));
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    private StreamPosition publish(String channel, String data) throws Exception {
        return broker.publish(new PublishRequest(ChannelName.of(TENANT, channel), "ev", data, null)).get();
    }

    private Subscribed subscribedTo(String channel) {
        await().until(() -> connection.of(Subscribed.class).stream().anyMatch(s -> s.channel().equals(channel)));
        return connection.of(Subscribed.class).stream().filter(s -> s.channel().equals(channel)).findFirst().orElseThrow();
    }

    @Test
    void startCanResumeThePersonalChannelAfterAGivenId() throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        StreamPosition seen = publish("user:alice", "\"seen\"");
        publish("user:alice", "\"missed\"");
        connection = new RecordingConnection(loop);
        session = new ClientSession(connection, user(), new SessionContext(hub, broker,
                token -> CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "bad")),
                GatewayObserver.NOOP, SessionSettings.DEFAULTS));
        onLoop(() -> session.startStream(List.of(), java.util.Map.of("user:alice", seen.toString())));
        Subscribed s = subscribedTo("user:alice");
        assertThat(s.recovered()).isTrue();
        assertThat(s.position()).isEqualTo(seen);
        await().until(() -> connection.dataOf("user:alice").size() == 1);
        assertThat(connection.dataOf("user:alice")).containsExactly("\"missed\"");
        assertThat(connection.of(ErrorReply.class)).isEmpty();
    }

    @Test
    void subscribesThePersonalChannelAndStartsLiveAtTheHead() throws Exception {
        connect(user("room:*"));
        assertThat(subscribedTo("user:alice").recovered()).isFalse();
        publish("room:1", "0");
        onLoop(() -> session.subscribe("room:1", null, null));
        Subscribed s = subscribedTo("room:1");
        assertThat(s.position().offset()).isEqualTo(1);
        assertThat(s.recovered()).isFalse();
        publish("room:1", "1");
        publish("user:alice", "\"hi\"");
        await().until(() -> connection.dataOf("room:1").size() == 1 && connection.dataOf("user:alice").size() == 1);
        assertThat(connection.dataOf("room:1")).containsExactly("1");
        assertThat(connection.of(ServerMessage.Welcome.class)).singleElement()
                .satisfies(w -> assertThat(w.channels()).containsExactly("user:alice"));
    }

    @Test
    void resumingAfterMissedMessagesDeliversExactlyThoseInOrderThenLive() throws Exception {
        connect(user("room:*"));
        StreamPosition seen = publish("room:2", "0");
        for (int i = 1; i <= 5; i++) {
            publish("room:2", String.valueOf(i));
        }
        onLoop(() -> session.subscribe("room:2", seen.toString(), null));
        Subscribed s = subscribedTo("room:2");
        assertThat(s.recovered()).isTrue();
        assertThat(s.position()).isEqualTo(seen);
        publish("room:2", "6");
        await().until(() -> connection.dataOf("room:2").size() == 6);
        assertThat(connection.dataOf("room:2")).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(connection.of(Gap.class)).isEmpty();
    }

    @Test
    void publishersRunningDuringCatchUpCauseNoLossAndNoDuplicate() throws Exception {
        connect(user("room:*"));
        StreamPosition seen = publish("room:3", "0");
        for (int i = 1; i <= 20; i++) {
            publish("room:3", String.valueOf(i));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> published = new ArrayList<>();
        Thread publisher = new Thread(() -> {
            for (int i = 21; i <= 400; i++) {
                try {
                    publish("room:3", String.valueOf(i));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }
            running.set(false);
        });
        publisher.start();
        onLoop(() -> session.subscribe("room:3", seen.toString(), null));
        publisher.join();
        await().until(() -> connection.dataOf("room:3").size() >= 400);
        IntStream.rangeClosed(1, 400).forEach(i -> published.add(String.valueOf(i)));
        assertThat(connection.dataOf("room:3")).containsExactlyElementsOf(published);
        assertThat(running).isFalse();
    }

    @Test
    void historyThatNoLongerReachesBackIsAGap() throws Exception {
        connect(user("small:*"));
        StreamPosition old = publish("small:4", "0");
        for (int i = 1; i <= 60; i++) {
            publish("small:4", String.valueOf(i));
        }
        onLoop(() -> session.subscribe("small:4", old.toString(), null));
        Subscribed s = subscribedTo("small:4");
        assertThat(s.recovered()).isFalse();
        assertThat(s.position().offset()).isEqualTo(61);
        await().until(() -> connection.of(Gap.class).size() == 1);
        publish("small:4", "61");
        await().until(() -> connection.dataOf("small:4").size() == 1);
        assertThat(connection.dataOf("small:4")).containsExactly("61");
    }

    @Test
    void anIdThatDoesNotDecodeIsAGapNotAnError() throws Exception {
        connect(user("room:*"));
        onLoop(() -> session.subscribe("room:5", "garbage!", null));
        assertThat(subscribedTo("room:5").recovered()).isFalse();
        await().until(() -> connection.of(Gap.class).size() == 1);
        assertThat(connection.of(ErrorReply.class)).isEmpty();
    }

    @Test
    void badNamesUngrantedChannelsAndDuplicatesAreRefusedWithErrors() throws Exception {
        connect(user("room:*"));
        onLoop(() -> {
            session.subscribe("bad name", null, null);
            session.subscribe("secret:1", null, null);
            session.subscribe("user:bob", null, null);
            session.subscribe("user:alice", null, null);
        });
        await().until(() -> connection.of(ErrorReply.class).size() == 4);
        assertThat(connection.of(ErrorReply.class)).extracting(ErrorReply::code)
                .containsExactly("bad_request", "forbidden", "forbidden", "bad_request");
    }

    @Test
    void aLivePublicationThatSkipsOffsetsIsFilledFromHistory() throws Exception {
        DroppingBroker dropping = new DroppingBroker(broker, p -> p.data().equals("2") || p.data().equals("3"));
        broker = dropping;
        connect(user("room:*"));
        onLoop(() -> session.subscribe("room:6", null, null));
        subscribedTo("room:6");
        for (int i = 1; i <= 5; i++) {
            publish("room:6", String.valueOf(i));
        }
        await().until(() -> connection.dataOf("room:6").size() == 5);
        assertThat(connection.dataOf("room:6")).containsExactly("1", "2", "3", "4", "5");
        assertThat(connection.of(Gap.class)).isEmpty();
    }

    @Test
    void clientPublishNeedsTheGrantAndIsAcknowledgedWithTheId() throws Exception {
        connect(user("chat:*"));
        onLoop(() -> session.subscribe("chat:1", null, null));
        subscribedTo("chat:1");
        onLoop(() -> {
            session.publish("chat:1", "say", "{\"t\":1}", "r1");
            session.publish("room:1", null, "1", "r2");
            session.publish("chat:1", "rtgw.close", "1", "r3");
            session.publish("chat:1", "two\nlines", "1", "r4");
        });
        await().until(() -> connection.of(ServerMessage.Ack.class).size() == 1 && connection.of(ErrorReply.class).size() == 3);
        assertThat(connection.of(ServerMessage.Ack.class).get(0).ref()).isEqualTo("r1");
        assertThat(connection.of(ErrorReply.class)).extracting(ErrorReply::ref, ErrorReply::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r2", "forbidden"),
                        org.assertj.core.groups.Tuple.tuple("r3", "bad_request"),
                        org.assertj.core.groups.Tuple.tuple("r4", "bad_request"));
        await().until(() -> connection.dataOf("chat:1").size() == 1);
    }

    @Test
    void anExpiredTokenEndsTheConnectionAfterTheWarning() throws Exception {
        long exp = System.currentTimeMillis() / 1000 + 1;
        SessionSettings quick = new SessionSettings(Duration.ZERO, Duration.ofSeconds(30), Duration.ZERO, 10, true,
                100, 100, ns -> true);
        hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        connection = new RecordingConnection(loop);
        session = new ClientSession(connection, new ClientIdentity("alice", TENANT, exp, List.of(), List.of()),
                new SessionContext(hub, broker, t -> null, GatewayObserver.NOOP, quick));
        onLoop(session::start);
        await().until(() -> connection.closedWith == DisconnectReason.TOKEN_EXPIRED);
        assertThat(connection.of(ServerMessage.Expiring.class)).hasSize(1);
    }

    @Test
    void unsubscribedChannelsAreNoLongerDeliveredAndTheNodeUnsubscribesAfterTheLinger() throws Exception {
        connect(user("room:*"));
        onLoop(() -> session.subscribe("room:7", null, null));
        subscribedTo("room:7");
        assertThat(hub.subscriberCount(ChannelName.of(TENANT, "room:7"))).isEqualTo(1);
        onLoop(() -> session.unsubscribe("room:7", null));
        publish("room:7", "1");
        publish("user:alice", "2");
        await().until(() -> connection.dataOf("user:alice").size() == 1);
        assertThat(connection.dataOf("room:7")).isEmpty();
        await().until(() -> hub.channelCount() == 1);
    }

    @Test
    void repliesToSubscribeAndUnsubscribeEchoTheirRefAndNameTheChannel() throws Exception {
        connect(user("room:*"));
        subscribedTo("user:alice");
        onLoop(() -> session.subscribe("room:8", null, "s1"));
        assertThat(subscribedTo("room:8").ref()).isEqualTo("s1");
        onLoop(() -> {
            session.subscribe("room:8", null, "s2");
            session.subscribe("secret:1", null, "s3");
            session.unsubscribe("room:8", "u1");
            session.unsubscribe("room:8", "u2");
        });
        await().until(() -> connection.of(ErrorReply.class).size() == 3);
        assertThat(connection.of(ErrorReply.class))
                .extracting(ErrorReply::ref, ErrorReply::channel, ErrorReply::code, ErrorReply::temporary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("s2", "room:8", "bad_request", false),
                        org.assertj.core.groups.Tuple.tuple("s3", "secret:1", "forbidden", false),
                        org.assertj.core.groups.Tuple.tuple("u2", "room:8", "bad_request", false));
        assertThat(connection.of(ServerMessage.Unsubscribed.class)).containsExactly(
                new ServerMessage.Unsubscribed("room:8", ServerMessage.UnsubscribeReason.CLIENT, "u1"));
        assertThat(subscribedTo("user:alice").ref()).isNull();
    }

    @Test
    void commandsTakeEffectInOrderAndEverySubscribeIsAnsweredFirst() throws Exception {
        connect(user("room:*", "chat:*"));
        subscribedTo("user:alice");
        onLoop(() -> {
            session.subscribe("room:11", null, "s1");
            session.unsubscribe("room:11", "u1");
            session.subscribe("chat:3", null, "s2");
            session.publish("chat:3", null, "\"mine\"", "p1");
        });
        await().until(() -> connection.of(ServerMessage.Ack.class).size() == 1
                && connection.of(ServerMessage.Unsubscribed.class).size() == 1);
        List<String> replies = connection.sent.stream()
                .filter(m -> m instanceof Subscribed s ? s.ref() != null : m instanceof ServerMessage.Unsubscribed
                        || m instanceof ServerMessage.Ack)
                .map(m -> m instanceof Subscribed s ? "subscribed " + s.ref()
                        : m instanceof ServerMessage.Unsubscribed u ? "unsubscribed " + u.ref()
                        : "ack " + ((ServerMessage.Ack) m).ref())
                .toList();
        assertThat(replies).containsExactly("subscribed s1", "unsubscribed u1", "subscribed s2", "ack p1");
        await().until(() -> connection.dataOf("chat:3").size() == 1);
        assertThat(connection.dataOf("chat:3")).containsExactly("\"mine\"");
    }

    @Test
    void aSubscribeWhileTheBrokerIsUnreachableStaysPendingAndCompletesWhenItIsBack() throws Exception {
        UnreachableBroker unreachable = new UnreachableBroker(broker);
        broker = unreachable;
        connect(user("room:*", "chat:*"));
        subscribedTo("user:alice");
        StreamPosition before = publish("room:9", "\"before\"");
        onLoop(() -> {
            session.subscribe("room:9", before.toString(), "s1");
            session.publish("chat:2", null, "1", "p1");
        });
        await().until(() -> connection.of(ErrorReply.class).size() == 1);
        assertThat(connection.of(ErrorReply.class))
                .extracting(ErrorReply::ref, ErrorReply::channel, ErrorReply::code, ErrorReply::temporary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", "chat:2", "unavailable", true));
        publish("room:9", "\"meanwhile\"");
        unreachable.reachable = true;
        Subscribed s = subscribedTo("room:9");
        assertThat(s.ref()).isEqualTo("s1");
        assertThat(s.recovered()).isTrue();
        publish("room:9", "\"after\"");
        await().until(() -> connection.dataOf("room:9").size() == 2);
        assertThat(connection.dataOf("room:9")).containsExactly("\"meanwhile\"", "\"after\"");
        assertThat(connection.of(ErrorReply.class)).hasSize(1);
    }

    @Test
    void aRefreshedTokenThatNoLongerGrantsAChannelEndsItAsRevoked() throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        connection = new RecordingConnection(loop);
        ClientIdentity narrower = user();
        session = new ClientSession(connection, user("room:*"), new SessionContext(hub, broker,
                token -> CompletableFuture.completedFuture(narrower), GatewayObserver.NOOP, SessionSettings.DEFAULTS));
        onLoop(session::start);
        onLoop(() -> session.subscribe("room:10", null, "s1"));
        subscribedTo("room:10");
        onLoop(() -> session.refresh("new-token"));
        await().until(() -> connection.of(ServerMessage.Refreshed.class).size() == 1);
        assertThat(connection.of(ServerMessage.Unsubscribed.class)).containsExactly(
                new ServerMessage.Unsubscribed("room:10", ServerMessage.UnsubscribeReason.REVOKED, null));
    }

    @Test
    void aServerUnsubscribeOfASubscribeStillWaitingForTheBrokerAnswersTheSubscribeFirst() throws Exception {
        UnreachableBroker unreachable = new UnreachableBroker(broker);
        broker = unreachable;
        connect(user("room:*"));
        subscribedTo("user:alice");
        onLoop(() -> session.subscribe("room:12", null, "s1"));
        boolean[] affected = new boolean[1];
        onLoop(() -> affected[0] = session.unsubscribeByServer("room:12"));
        assertThat(affected[0]).as("counted: it is ended as soon as it is answered").isTrue();
        assertThat(connection.of(ServerMessage.Unsubscribed.class)).as("not before the subscribe is answered").isEmpty();
        unreachable.reachable = true;
        await().until(() -> connection.of(ServerMessage.Unsubscribed.class).size() == 1);
        List<String> replies = connection.sent.stream()
                .filter(m -> m instanceof Subscribed s ? s.channel().equals("room:12") : m instanceof ServerMessage.Unsubscribed)
                .map(m -> m instanceof Subscribed s ? "subscribed " + s.ref()
                        : "unsubscribed " + ((ServerMessage.Unsubscribed) m).reason().wire())
                .toList();
        assertThat(replies).containsExactly("subscribed s1", "unsubscribed server");
        publish("room:12", "\"after\"");
        onLoop(() -> session.subscribe("room:12", null, "s2")); // judged again, and granted
        await().until(() -> connection.of(Subscribed.class).stream().anyMatch(x -> "s2".equals(x.ref())));
        assertThat(connection.dataOf("room:12")).as("published before the new subscription").isEmpty();
        onLoop(() -> affected[0] = session.unsubscribeByServer("room:none"));
        assertThat(affected[0]).isFalse();
    }

    @Test
    void aRefreshWithARevokedTokenIsRefusedForGoodAndOneThatCannotBeCheckedYetAsTemporary() throws Exception {
        hub = new Hub(broker, timer, Duration.ofSeconds(1), GatewayObserver.NOOP);
        broker.start(hub).get();
        connection = new RecordingConnection(loop);
        session = new ClientSession(connection, user("room:*"), new SessionContext(hub, broker,
                token -> CompletableFuture.failedFuture(new AuthenticationException(
                        token.equals("revoked") ? AuthFailure.REVOKED : AuthFailure.UNAVAILABLE, token)),
                GatewayObserver.NOOP, SessionSettings.DEFAULTS));
        onLoop(session::start);
        onLoop(() -> session.refresh("revoked"));
        await().until(() -> connection.of(ErrorReply.class).size() == 1);
        onLoop(() -> session.refresh("not-loaded"));
        await().until(() -> connection.of(ErrorReply.class).size() == 2);
        assertThat(connection.of(ErrorReply.class)).extracting(ErrorReply::code, ErrorReply::temporary).containsExactly(
                org.assertj.core.groups.Tuple.tuple("revoked", false), org.assertj.core.groups.Tuple.tuple("unavailable", true));
        assertThat(connection.closedWith).as("the connection is kept").isNull();
    }

    @Test
    void onlyTheCodesThatMaySucceedLaterAreTemporary() {
        assertThat(java.util.Arrays.stream(ErrorCode.values()).filter(ErrorCode::temporary))
                .containsExactlyInAnyOrder(ErrorCode.UNAVAILABLE, ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL);
        assertThat(new ErrorReply("r", "room:1", ErrorCode.UNAVAILABLE, "down").temporary()).isTrue();
        assertThat(new ErrorReply("r", "room:1", ErrorCode.FORBIDDEN, "no").code()).isEqualTo("forbidden");
    }

    /**
     * A broker that cannot be reached for channels other than the personal one until told so:
     * subscribes and reads fail, as while Redis is down; publishing to chat:* always fails.
     */
    private static final class UnreachableBroker extends ForwardingBroker {
        private final Broker inner;
        volatile boolean reachable;

        UnreachableBroker(Broker inner) {
            this.inner = inner;
        }

        @Override
        protected Broker inner() {
            return inner;
        }

        private static <T> CompletableFuture<T> down() {
            return CompletableFuture.failedFuture(new java.io.IOException("connection refused"));
        }

        @Override
        public CompletableFuture<Void> subscribe(ChannelName channel) {
            return reachable || channel.name().startsWith("user:") ? inner.subscribe(channel) : down();
        }

        @Override
        public CompletableFuture<StreamPosition> publish(PublishRequest request) {
            return request.channel().name().startsWith("chat:") ? down() : inner.publish(request);
        }

        @Override
        public CompletableFuture<HistoryResult> history(ChannelName channel, StreamPosition since, int limit) {
            return reachable || channel.name().startsWith("user:") ? inner.history(channel, since, limit) : down();
        }

        @Override
        public boolean isUp() {
            return false;
        }
    }

    /** Loses chosen live publications on their way to the node, as a flaky link would. */
    private static final class DroppingBroker extends ForwardingBroker {
        private final Broker inner;
        private final Predicate<Publication> drop;

        DroppingBroker(Broker inner, Predicate<Publication> drop) {
            this.inner = inner;
            this.drop = drop;
        }

        @Override
        protected Broker inner() {
            return inner;
        }

        @Override
        public CompletableFuture<Void> start(BrokerListener listener) {
            return inner.start(p -> {
                if (!drop.test(p)) {
                    listener.onPublication(p);
                }
            });
        }
    }
}

package io.rtgw.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/protocol.md §10 on one node with the in-memory fleet state (the embedded broker). */
class ConnectionEventsTest {
    private final List<AppEvent> seen = new CopyOnWriteArrayList<>();
    private final EventSink sink = new EventSink() {
        @Override
        public void emit(AppEvent event) {
            seen.add(event);
        }

        @Override
        public void close() {
        }
    };
    private ConnectionEvents events;

    private ConnectionEvents start(Set<EventType> types, Duration grace) {
        events = new ConnectionEvents("node-1", new ConnectionEvents.Settings(types, grace, Duration.ofSeconds(10),
                ns -> !ns.equals("quiet")), new InMemoryFleetState(), sink, EventCounters.NOOP, Clock.systemUTC())
                .start();
        return events;
    }

    @AfterEach
    void close() {
        if (events != null) {
            events.close();
        }
    }

    private static ClientIdentity alice() {
        return new ClientIdentity("alice", "acme", 0, List.of(), List.of());
    }

    private List<AppEvent> of(String type) {
        return seen.stream().filter(e -> e.type().wire().equals(type)).toList();
    }

    private List<String> types() {
        return seen.stream().map(e -> e.type().wire()).toList();
    }

    /** The flat event objects hold strings and numbers only: a field's value, or null when absent. */
    static Fields json(AppEvent e) {
        return json(e.json());
    }

    static Fields json(String text) {
        return new Fields(text);
    }

    record Fields(String text) {
        Value path(String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\"" + name + "\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?[0-9]+))").matcher(text);
            return new Value(m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null);
        }

        boolean has(String name) {
            return path(name).value != null;
        }
    }

    record Value(String value) {
        String asText() {
            return value;
        }

        long asLong() {
            return Long.parseLong(value);
        }

        int asInt() {
            return Integer.parseInt(value);
        }
    }

    @Test
    void onlineOnceForTwoConnectionsAndOfflineAfterTheLastOneAndTheGrace() throws Exception {
        start(EnumSet.allOf(EventType.class), Duration.ofMillis(300));
        events.connected(alice(), "c1", Transport.WEBSOCKET);
        events.connected(alice(), "c2", Transport.SSE);
        events.disconnected(alice(), "c1", Transport.WEBSOCKET, DisconnectReason.NORMAL);
        events.disconnected(alice(), "c2", Transport.SSE, null);

        await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("offline"));
        // online is decided by the fleet state, so it may come before or after the second connect
        assertThat(types()).containsExactlyInAnyOrder("connect", "online", "connect", "disconnect", "disconnect",
                "offline");
        assertThat(types().get(types().size() - 1)).isEqualTo("offline");
        Fields connect = json(of("connect").get(0));
        assertThat(connect.path("type").asText()).isEqualTo("connect");
        assertThat(connect.path("tenant").asText()).isEqualTo("acme");
        assertThat(connect.path("client").asText()).isEqualTo("c1");
        assertThat(connect.path("user").asText()).isEqualTo("alice");
        assertThat(connect.path("transport").asText()).isEqualTo("websocket");
        assertThat(connect.path("node").asText()).isEqualTo("node-1");
        assertThat(connect.path("at").asLong()).isPositive();
        assertThat(connect.has("code")).isFalse();
        Fields disconnect = json(of("disconnect").get(0));
        assertThat(disconnect.path("code").asInt()).isEqualTo(1000);
        assertThat(disconnect.path("reason").asText()).isEqualTo("normal");
        assertThat(json(of("offline").get(0)).path("user").asText()).isEqualTo("alice");
        assertThat(seen.stream().map(e -> {
            return json(e).path("id").asText();
        }).distinct().count()).as("ids are unique").isEqualTo(seen.size());
    }

    @Test
    void aReconnectWithinTheGraceGivesNoOfflineOnlinePair() {
        start(EnumSet.of(EventType.ONLINE, EventType.OFFLINE), Duration.ofSeconds(2));
        events.connected(alice(), "c1", Transport.WEBSOCKET);
        events.disconnected(alice(), "c1", Transport.WEBSOCKET, DisconnectReason.NORMAL);
        events.connected(alice(), "c2", Transport.WEBSOCKET); // the page reloaded at once
        events.disconnected(alice(), "c2", Transport.WEBSOCKET, DisconnectReason.NORMAL);

        await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("offline"));
        assertThat(types()).containsExactly("online", "offline");
    }

    @Test
    void occupiedAndVacatedPerChannelAndNamespacesOptOut() {
        start(EnumSet.of(EventType.OCCUPIED, EventType.VACATED), Duration.ofMillis(200));
        ChannelName room = ChannelName.of("acme", "room:1");
        events.subscribed(room);
        events.subscribed(room);
        events.subscribed(ChannelName.of("acme", "quiet:1"));
        events.unsubscribed(room);
        events.unsubscribed(ChannelName.of("acme", "quiet:1"));
        events.unsubscribed(room);
        events.connected(alice(), "c1", Transport.WEBSOCKET); // types not chosen: nothing

        await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("vacated"));
        assertThat(types()).containsExactly("occupied", "vacated");
        assertThat(seen.get(0).json()).contains("\"channel\":\"room:1\"");
    }

    /** The in-memory state, failing its first arrival and first departure as Redis away would. */
    private static final class FlakyState implements FleetState {
        final InMemoryFleetState real = new InMemoryFleetState();
        final java.util.concurrent.atomic.AtomicInteger arrivalsToFail = new java.util.concurrent.atomic.AtomicInteger(1);
        final java.util.concurrent.atomic.AtomicInteger departuresToFail = new java.util.concurrent.atomic.AtomicInteger(1);

        @Override
        public java.util.concurrent.CompletableFuture<Boolean> arrived(Kind kind, String tenant, String name) {
            return arrivalsToFail.getAndDecrement() > 0
                    ? java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("redis away"))
                    : real.arrived(kind, tenant, name);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Boolean> left(Kind kind, String tenant, String name) {
            return departuresToFail.getAndDecrement() > 0
                    ? java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("redis away"))
                    : real.left(kind, tenant, name);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Boolean> goneForGood(Kind kind, String tenant, String name) {
            return real.goneForGood(kind, tenant, name);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Boolean> connectionOpened(String tenant, String client, String record) {
            return real.connectionOpened(tenant, client, record);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> connectionClosed(String tenant, String client) {
            return real.connectionClosed(tenant, client);
        }

        @Override
        public java.util.concurrent.CompletableFuture<Renewal> renewAndRecover() {
            return real.renewAndRecover();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anArrivalAndADepartureThatFailedAreSentAgainAtTheNextRenewal() {
        FlakyState state = new FlakyState();
        java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
        events = new ConnectionEvents("node-1", new ConnectionEvents.Settings(EnumSet.of(EventType.ONLINE,
                EventType.OFFLINE), Duration.ofMillis(100), Duration.ofMillis(200), ns -> true), state, sink,
                new EventCounters() {
                    @Override
                    public void stateError() {
                        errors.incrementAndGet();
                    }
                }, Clock.systemUTC()).start();
        events.connected(alice(), "c1", Transport.WEBSOCKET);
        await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("online"));
        events.disconnected(alice(), "c1", Transport.WEBSOCKET, DisconnectReason.NORMAL);
        await().atMost(Duration.ofSeconds(30)).until(() -> types().contains("offline"));
        assertThat(types()).containsExactly("online", "offline");
        assertThat(errors.get()).isEqualTo(2);
    }

    @Test
    void offEmitsNothing() {
        ConnectionEvents.OFF.connected(alice(), "c1", Transport.WEBSOCKET);
        ConnectionEvents.OFF.subscribed(ChannelName.of("acme", "room:1"));
        assertThat(ConnectionEvents.OFF.enabled()).isFalse();
    }

    @Test
    void aDeadNodesConnectionBecomesADisconnectWithItsRecordAndTheCrashReason() throws Exception {
        String fields = ConnectionEvents.lostConnectionFields(
                "{\"client\":\"c1\",\"user\":\"alice\",\"transport\":\"sse\",\"node\":\"n2\"}");
        Fields node = json("{" + fields + "}");
        assertThat(node.path("client").asText()).isEqualTo("c1");
        assertThat(node.path("node").asText()).isEqualTo("n2");
        assertThat(node.path("reason").asText()).isEqualTo("node_lost");
    }

    @Test
    void typesParseFromAList() {
        assertThat(EventType.parseList("online, offline")).containsExactly(EventType.ONLINE, EventType.OFFLINE);
        assertThat(EventType.parseList("all")).hasSize(6);
        assertThat(EventType.parseList("")).hasSize(6);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventType.parseList("online,joined"))
                .hasMessageContaining("joined");
    }
}

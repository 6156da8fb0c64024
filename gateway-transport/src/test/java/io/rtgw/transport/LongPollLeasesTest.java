package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Long-poll clients hold connection slots while their subscriptions linger (the linger runs on a virtual clock). */
class LongPollLeasesTest {
    private static final Duration LINGER = Duration.ofSeconds(70);
    private static final List<String> ROOM_A = List.of("room:a", "user:alice");
    private static final List<String> ROOM_B = List.of("room:b", "user:alice");

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final ScheduledExecutorService timer = loop.eventLoop();

    private static ClientIdentity user(String name, String tenant) {
        return new ClientIdentity(name, tenant, 0, List.of(), List.of());
    }

    private static ConnectionLimits limits(int perNode, int perTenant, int perUser) {
        return new ConnectionLimits(new AbuseLimits(perNode, perTenant, perUser, 0, 0, 0, 0, a -> false,
                Duration.ofSeconds(10)));
    }

    private void pass(Duration time) {
        loop.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
    }

    @Test
    void aClientKeepsItsSlotBetweenPollsAndGivesItBackWhenTheLingerEnds() {
        ConnectionLimits limits = limits(0, 0, 1);
        LongPollLeases leases = new LongPollLeases(limits, LINGER);
        ClientIdentity alice = user("alice", "acme");

        LongPollLeases.Poll first = leases.open(alice, ROOM_A, timer);
        assertThat(first).isNotNull();
        first.end();
        pass(Duration.ofSeconds(69));
        assertThat(limits.tryAcquire(alice)).as("the lingering long-poll client still counts").isFalse();
        assertThat(leases.open(alice, ROOM_B, timer)).as("another client of the same user").isNull();

        LongPollLeases.Poll next = leases.open(alice, ROOM_A, timer);
        assertThat(next).as("the same client polling again reuses its slot").isNotNull();
        pass(Duration.ofSeconds(10)); // the first linger would have ended here: the new poll holds on
        assertThat(leases.slots()).isEqualTo(1);
        next.end();
        next.end(); // ending twice gives back nothing extra
        pass(LINGER.minusSeconds(1));
        assertThat(leases.slots()).isEqualTo(1);
        pass(Duration.ofSeconds(1));
        assertThat(leases.slots()).isZero();
        assertThat(limits.tryAcquire(alice)).as("released when the linger ended").isTrue();
    }

    @Test
    void parallelPollsOfOneClientTakeASlotEachAndTheTenantAndNodeLimitsApplyToo() {
        ConnectionLimits limits = limits(3, 2, 0);
        LongPollLeases leases = new LongPollLeases(limits, LINGER);
        ClientIdentity alice = user("alice", "acme");

        LongPollLeases.Poll one = leases.open(alice, ROOM_A, timer);
        LongPollLeases.Poll two = leases.open(alice, ROOM_A, timer);
        assertThat(one).isNotNull();
        assertThat(two).isNotNull();
        assertThat(leases.open(alice, ROOM_A, timer)).as("tenant limit 2").isNull();
        assertThat(leases.open(user("bob", "acme"), List.of("room:a", "user:bob"), timer)).isNull();
        assertThat(leases.open(user("dan", "beta"), List.of("room:a", "user:dan"), timer)).isNotNull();
        assertThat(leases.open(user("erin", "gamma"), List.of("room:a", "user:erin"), timer)).as("node limit 3").isNull();

        one.end();
        assertThat(leases.slots()).as("the extra slot of a parallel poll ends with it").isEqualTo(2);
        two.end();
        assertThat(leases.slots()).as("one lingers per client").isEqualTo(2);
        LongPollLeases.Poll bob = leases.open(user("bob", "acme"), List.of("room:a", "user:bob"), timer);
        assertThat(bob).as("alice's parallel slot is free again").isNotNull();
        ClientIdentity erin = user("erin", "gamma");
        assertThat(leases.open(erin, List.of("room:a", "user:erin"), timer)).isNull();
        pass(LINGER);
        assertThat(leases.slots()).as("alice's linger is over; dan's and bob's polls hold on").isEqualTo(2);
        assertThat(leases.open(erin, List.of("room:a", "user:erin"), timer)).isNotNull();
    }

    @Test
    void aDisconnectBetweenPollsAnswersTheNextPollClosedOnceAndGivesTheSlotBack() {
        ConnectionLimits limits = limits(0, 0, 1);
        LongPollLeases leases = new LongPollLeases(limits, LINGER);
        ClientIdentity alice = user("alice", "acme");
        leases.open(alice, ROOM_A, timer).end();

        assertThat(leases.disconnect("other", "alice", DisconnectReason.DISCONNECTED)).isZero();
        assertThat(leases.disconnect("acme", "bob", DisconnectReason.DISCONNECTED)).isZero();
        assertThat(leases.disconnect("acme", "alice", DisconnectReason.DISCONNECTED)).isEqualTo(1);

        LongPollLeases.Poll told = leases.open(alice, ROOM_A, timer);
        assertThat(told.closedBy()).isEqualTo(DisconnectReason.DISCONNECTED);
        assertThat(leases.slots()).as("the lease ended with the answer").isZero();
        assertThat(limits.tryAcquire(alice)).isTrue();
        limits.release(alice);

        LongPollLeases.Poll again = leases.open(alice, ROOM_A, timer);
        assertThat(again.closedBy()).as("told once: the poll after is admitted").isNull();
        again.end();
    }

    @Test
    void anUnsubscribeBetweenPollsIsHandedToTheNextPollOnlyAndOnlyForLeasesWithTheChannel() {
        LongPollLeases leases = new LongPollLeases(limits(0, 0, 0), LINGER);
        ClientIdentity alice = user("alice", "acme");
        leases.open(alice, ROOM_A, timer).end();
        leases.open(alice, ROOM_B, timer).end();
        LongPollLeases.Poll held = leases.open(alice, List.of("room:a", "room:c", "user:alice"), timer);

        assertThat(leases.unsubscribe("acme", "alice", "room:a")).as("ROOM_A only: the other poll is held").isEqualTo(1);
        assertThat(leases.unsubscribe("acme", "alice", "room:a")).as("marked already").isZero();
        assertThat(leases.unsubscribe("acme", "bob", "room:b")).isZero();

        LongPollLeases.Poll next = leases.open(alice, ROOM_A, timer);
        assertThat(next.closedBy()).isNull();
        assertThat(next.unsubscribed()).containsExactly("room:a");
        next.end();
        LongPollLeases.Poll after = leases.open(alice, ROOM_A, timer);
        assertThat(after.unsubscribed()).as("told once").isEmpty();
        after.end();
        assertThat(leases.open(alice, ROOM_B, timer).unsubscribed()).isEmpty();
        held.end();
    }

    @Test
    void aDisconnectLeavesAHeldPollToItsSession() {
        LongPollLeases leases = new LongPollLeases(limits(0, 0, 0), LINGER);
        ClientIdentity alice = user("alice", "acme");
        LongPollLeases.Poll held = leases.open(alice, ROOM_A, timer);
        assertThat(leases.disconnect("acme", "alice", DisconnectReason.REVOKED))
                .as("the held poll is answered by its session, not marked").isZero();
        held.end();
        assertThat(leases.open(alice, ROOM_A, timer).closedBy()).isNull();
    }

    /** Records what the leases report to the node's presence. */
    private static final class RecordingPresence implements io.rtgw.core.presence.PresenceSink {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final io.rtgw.core.presence.PresenceSink presence = this;

        @Override
        public void joined(io.rtgw.core.ChannelName c, io.rtgw.core.presence.PresenceEntry e) {
            calls.add("join " + c.name() + " " + e.client());
        }

        @Override
        public void left(io.rtgw.core.ChannelName c, io.rtgw.core.presence.PresenceEntry e, boolean connectionClosed) {
            calls.add("leave " + c.name() + " " + e.client());
        }
    }

    @Test
    void aLongPollClientJoinsOnceAcrossItsPollsAndLeavesWhenItsLeaseEnds() {
        RecordingPresence recorded = new RecordingPresence();
        LongPollLeases leases = new LongPollLeases(limits(0, 0, 0), LINGER, recorded.presence);
        ClientIdentity alice = user("alice", "acme");
        io.rtgw.core.ChannelName room = io.rtgw.core.ChannelName.of("acme", "room:a");
        String client = null;
        for (int i = 0; i < 3; i++) {
            LongPollLeases.Poll poll = leases.open(alice, ROOM_A, timer);
            client = client == null ? poll.presenceClient() : client;
            assertThat(poll.presenceClient()).as("one id for every poll of the client").isEqualTo(client);
            io.rtgw.core.presence.PresenceEntry entry = new io.rtgw.core.presence.PresenceEntry(client, "alice", null, 1);
            poll.presence().joined(room, entry);
            poll.presence().left(room, entry, true); // the poll is answered: not a leave
            poll.end();
            pass(Duration.ofSeconds(30));
        }
        assertThat(recorded.calls).containsExactly("join room:a " + client);
        pass(LINGER);
        assertThat(recorded.calls).containsExactly("join room:a " + client, "leave room:a " + client);
    }

    @Test
    void anUnsubscribedOrDisconnectedLongPollClientLeavesAtOnce() {
        RecordingPresence recorded = new RecordingPresence();
        LongPollLeases leases = new LongPollLeases(limits(0, 0, 0), LINGER, recorded.presence);
        ClientIdentity alice = user("alice", "acme");
        io.rtgw.core.ChannelName roomA = io.rtgw.core.ChannelName.of("acme", "room:a");
        io.rtgw.core.ChannelName roomB = io.rtgw.core.ChannelName.of("acme", "room:b");
        LongPollLeases.Poll poll = leases.open(alice, List.of("room:a", "room:b"), timer);
        String client = poll.presenceClient();
        var a = new io.rtgw.core.presence.PresenceEntry(client, "alice", null, 1);
        poll.presence().joined(roomA, a);
        poll.presence().joined(roomB, a);
        poll.presence().left(roomA, a, false); // the server API unsubscribed it
        assertThat(recorded.calls).containsExactly("join room:a " + client, "join room:b " + client,
                "leave room:a " + client);
        poll.end();
        leases.disconnect("acme", "alice", DisconnectReason.DISCONNECTED);
        assertThat(leases.open(alice, List.of("room:a", "room:b"), timer).closedBy()).isNotNull();
        assertThat(recorded.calls).last().isEqualTo("leave room:b " + client);
    }
}

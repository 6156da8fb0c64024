package io.rtgw.core.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.GatewayObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's side of presence: one store write per join and leave, one renewal batch for all
 * channels, and repairs of whatever the store lost or refused (docs/protocol.md §9).
 */
class PresenceTrackerTest {
    private static final ChannelName CHAT = ChannelName.of("acme", "chat:1");
    private static final ChannelName OTHER = ChannelName.of("acme", "chat:2");

    /** A store that records calls, can lose its data, and can fail its next writes. */
    static final class ScriptedStore implements PresenceStore {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final InMemoryPresenceStore data = new InMemoryPresenceStore();
        final Set<ChannelName> leases = ConcurrentHashMap.newKeySet();
        volatile boolean failing;

        @Override
        public CompletableFuture<Boolean> add(ChannelName channel, PresenceEntry entry) {
            calls.add("add " + channel.name() + " " + entry.client());
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
            data.add(channel, entry);
            return CompletableFuture.completedFuture(leases.add(channel));
        }

        @Override
        public CompletableFuture<Void> remove(ChannelName channel, String client, boolean lastOfNode) {
            calls.add("remove " + channel.name() + " " + client + (lastOfNode ? " last" : ""));
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
            if (lastOfNode) {
                leases.remove(channel);
            }
            return data.remove(channel, client, lastOfNode);
        }

        @Override
        public CompletableFuture<Set<ChannelName>> renew(Collection<ChannelName> channels) {
            calls.add("renew " + channels.size());
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
            Set<ChannelName> lost = new HashSet<>();
            for (ChannelName c : channels) {
                if (leases.add(c)) {
                    lost.add(c);
                }
            }
            return CompletableFuture.completedFuture(lost);
        }

        @Override
        public CompletableFuture<Void> rewrite(ChannelName channel, Collection<PresenceEntry> entries) {
            calls.add("rewrite " + channel.name() + " " + entries.size());
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
            leases.add(channel);
            return data.rewrite(channel, entries);
        }

        @Override
        public CompletableFuture<List<PresenceEntry>> entries(ChannelName channel) {
            return data.entries(channel);
        }

        /** Redis restarted without persistence. */
        void loseEverything() {
            data.close();
            leases.clear();
        }

        List<String> clients(ChannelName channel) {
            return data.entries(channel).join().stream().map(PresenceEntry::client).sorted().toList();
        }

        @Override
        public void close() {
        }
    }

    private final ScriptedStore store = new ScriptedStore();
    private final AtomicInteger errors = new AtomicInteger();
    /** An interval so long that only {@link PresenceTracker#renewNow()} renews. */
    private final PresenceTracker tracker = new PresenceTracker(store, Duration.ofHours(1), new GatewayObserver() {
        @Override
        public void presenceError() {
            errors.incrementAndGet();
        }
    }).start();

    @AfterEach
    void stop() {
        tracker.close();
    }

    private static PresenceEntry entry(String client) {
        return new PresenceEntry(client, "u-" + client, null, 1);
    }

    @Test
    void oneWritePerJoinAndLeaveAndTheLastLeaveDropsTheLease() {
        tracker.join(CHAT, entry("a"));
        tracker.join(CHAT, entry("b"));
        tracker.leave(CHAT, "a");
        tracker.leave(CHAT, "a"); // not there any more: nothing to write
        tracker.leave(CHAT, "b");
        assertThat(store.calls).containsExactly("add chat:1 a", "add chat:1 b", "remove chat:1 a", "remove chat:1 b last");
        assertThat(tracker.channelCount()).isZero();
    }

    @Test
    void theRenewalIsOneBatchForAllChannelsAndRewritesWhatTheStoreLost() {
        for (int i = 0; i < 50; i++) {
            tracker.join(i % 2 == 0 ? CHAT : OTHER, entry("c" + i));
        }
        store.calls.clear();
        store.loseEverything();
        tracker.renewNow();
        await().until(() -> store.clients(CHAT).size() == 25 && store.clients(OTHER).size() == 25);
        assertThat(store.calls).filteredOn(c -> c.startsWith("renew")).containsExactly("renew 2");
        assertThat(store.calls).filteredOn(c -> c.startsWith("rewrite"))
                .containsExactlyInAnyOrder("rewrite chat:1 25", "rewrite chat:2 25");
        assertThat(store.calls).filteredOn(c -> c.startsWith("add")).as("not per connection").isEmpty();
    }

    @Test
    void aJoinThatFindsTheLeaseGoneRewritesTheChannelsOtherEntries() {
        tracker.join(CHAT, entry("a"));
        tracker.join(CHAT, entry("b"));
        store.loseEverything();
        tracker.join(CHAT, entry("c"));
        await().until(() -> store.clients(CHAT).equals(List.of("a", "b", "c")));
    }

    @Test
    void failedWritesAreCountedAndRepairedByTheNextRenewalWithoutResurrectingLeavers() {
        tracker.join(CHAT, entry("a"));
        store.failing = true;
        tracker.join(CHAT, entry("b"));
        tracker.join(CHAT, entry("c"));
        tracker.leave(CHAT, "a");
        tracker.leave(CHAT, "c");
        await().until(() -> errors.get() == 4);
        assertThat(store.clients(CHAT)).containsExactly("a"); // the store still has a, never got b
        store.failing = false;
        tracker.renewNow();
        await().until(() -> store.clients(CHAT).equals(List.of("b")));
        assertThat(tracker.channelCount()).isEqualTo(1);
        store.calls.clear();
        tracker.renewNow();
        await().until(() -> store.calls.contains("renew 1"));
        assertThat(store.calls).as("nothing left to repair").containsExactly("renew 1");
    }

    @Test
    void aConnectionThatComesBackIsNotRemovedByItsOwnEarlierFailedLeave() {
        tracker.join(CHAT, entry("a"));
        tracker.join(CHAT, entry("z"));
        store.failing = true;
        tracker.leave(CHAT, "a");
        await().until(() -> errors.get() == 1);
        store.failing = false;
        tracker.join(CHAT, entry("a"));
        tracker.renewNow();
        store.calls.clear();
        tracker.renewNow();
        await().until(() -> store.calls.contains("renew 1"));
        assertThat(store.clients(CHAT)).containsExactly("a", "z");
        assertThat(new ArrayList<>(store.calls)).noneMatch(c -> c.startsWith("remove"));
    }
}

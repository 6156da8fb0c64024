package io.rtgw.transport;

import io.rtgw.core.ChannelName;
import io.rtgw.core.presence.Presence;
import io.rtgw.core.presence.PresenceEntry;
import io.rtgw.core.presence.PresenceSink;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.SessionDirectory;
import java.util.LinkedHashSet;
import java.util.Set;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connection slots ({@link ConnectionLimits}) of long-poll clients. A long-poll client has no
 * connection between its polls, but the node keeps its subscriptions for the subscription linger
 * after each poll, so it costs the node about what a stream does. It therefore holds one slot
 * from its first poll until the linger after its last poll has passed; polls of the same client
 * held at the same time beyond the first take a slot each, so parallel polls cannot dodge the
 * limits either.
 *
 * <p>A client is a user polling a given channel list (polls are stateless: nothing else tells two
 * polls of one client apart from polls of two clients). Two tabs of one user polling the same
 * channels therefore share one lingering slot, as they share the node's subscriptions.
 *
 * <p>A disconnect by the app (docs/protocol.md §7) reaches a client between its polls through
 * its lease: the next poll is answered {@code closed} at once, and the lease ends with it.
 *
 * <p>Presence (docs/protocol.md §9): a long-poll client is one entry in a channel's presence from
 * its first poll until its lease ends, under one client id ({@code l…}), and one {@code rtgw.join}
 * / {@code rtgw.leave} pair — not a pair per poll. Each poll's session reports to the lease
 * ({@link Poll#presence()}), which joins a channel the first time and leaves every joined
 * channel when the lease ends (its linger ran out, or the app disconnected the client).
 *
 * <p>Polls arrive on any event loop; each lease is changed only inside the map's atomic
 * {@code compute}, and the expiry carries a generation so a late timer cannot end a lease that
 * a new poll took up again.
 */
final class LongPollLeases implements SessionDirectory.BetweenRequests {
    private final ConnectionLimits limits;
    private final long lingerNanos;
    private final Map<Key, Lease> leases = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong CLIENT_IDS = new java.util.concurrent.atomic.AtomicLong();
    private final Presence presence;

    LongPollLeases(ConnectionLimits limits, Duration linger) {
        this(limits, linger, Presence.OFF);
    }

    LongPollLeases(ConnectionLimits limits, Duration linger, Presence presence) {
        this.limits = limits;
        this.lingerNanos = linger.toNanos();
        this.presence = presence;
    }

    /** One admitted poll; {@link #end} once when it is answered or its client is gone. */
    interface Poll {
        void end();

        /**
         * Non-null when the app disconnected this client between its polls (docs/protocol.md
         * §7): the poll is answered {@code closed} at once, holds no slot, and the lease is gone,
         * so the client is told exactly once.
         */
        default DisconnectReason closedBy() {
            return null;
        }

        /**
         * The channels the app unsubscribed this client from between its polls (docs/protocol.md
         * §7): this poll does not subscribe them and tells the client; empty almost always.
         */
        default Set<String> unsubscribed() {
            return Set.of();
        }

        /** The client's id in presence, the same for all of its polls; null for a poll without a session. */
        default String presenceClient() {
            return null;
        }

        /** Where this poll's session reports joins and leaves: the client's lease. */
        default PresenceSink presence() {
            return null;
        }
    }

    /** The answer to the first poll after a disconnect: nothing to end. */
    private record ClosedPoll(DisconnectReason closedBy) implements Poll {
        @Override
        public void end() {
        }
    }

    /**
     * Admits a poll of {@code identity} for {@code channels}, reusing the client's lingering slot
     * when it has one.
     *
     * @param timer where the linger runs out (the poll's event loop)
     * @return the admitted poll, or null when a connection limit is reached
     */
    Poll open(ClientIdentity identity, List<String> channels, ScheduledExecutorService timer) {
        Key key = new Key(identity.tenant(), identity.user(), List.copyOf(channels));
        boolean[] admitted = new boolean[1];
        DisconnectReason[] closedBy = new DisconnectReason[1];
        List<Set<String>> unsubscribed = new java.util.ArrayList<>(1);
        leases.compute(key, (k, lease) -> {
            if (lease != null && lease.closedBy != null && lease.polls == 0) {
                closedBy[0] = lease.closedBy;
                lease.stopExpiry();
                limits.release(lease.identity); // its one lingering slot
                leaveAll(lease);
                return null;
            }
            Lease l = lease == null ? new Lease(identity) : lease;
            if (l.polls < l.slots || limits.tryAcquire(identity)) {
                if (l.polls >= l.slots) {
                    l.slots++;
                }
                l.polls++;
                l.stopExpiry();
                admitted[0] = true;
                if (l.unsubscribed != null) {
                    unsubscribed.add(l.unsubscribed); // told to this poll, once
                    l.unsubscribed = null;
                }
            }
            return l.slots == 0 ? null : l;
        });
        if (closedBy[0] != null) {
            return new ClosedPoll(closedBy[0]);
        }
        if (!admitted[0]) {
            return null;
        }
        return new OpenPoll(key, timer, unsubscribed.isEmpty() ? Set.of() : unsubscribed.get(0));
    }

    /**
     * Marks the user's leases that hold no poll now (their polls are answered; the next one
     * will come): that next poll is answered {@code closed}. Held polls are not marked: their
     * sessions are closed by the disconnect itself, which answers them.
     *
     * @return how many leases were marked
     */
    @Override
    public int disconnect(String tenant, String user, DisconnectReason reason) {
        int marked = 0;
        for (Key key : leases.keySet()) {
            if (!key.tenant().equals(tenant) || !key.user().equals(user)) {
                continue;
            }
            boolean[] hit = new boolean[1];
            leases.computeIfPresent(key, (k, l) -> {
                if (l.polls == 0) {
                    l.closedBy = reason;
                    hit[0] = true;
                }
                return l;
            });
            marked += hit[0] ? 1 : 0;
        }
        return marked;
    }

    /**
     * Marks the user's leases that hold no poll now and whose channel list has {@code channel}:
     * the next poll leaves it out and says so. A held poll is told by its session.
     *
     * @return how many leases were marked
     */
    @Override
    public int unsubscribe(String tenant, String user, String channel) {
        int marked = 0;
        for (Key key : leases.keySet()) {
            if (!key.tenant().equals(tenant) || !key.user().equals(user) || !key.channels().contains(channel)) {
                continue;
            }
            boolean[] hit = new boolean[1];
            leases.computeIfPresent(key, (k, l) -> {
                if (l.polls == 0 && l.closedBy == null) {
                    if (l.unsubscribed == null) {
                        l.unsubscribed = new LinkedHashSet<>(2);
                    }
                    hit[0] = l.unsubscribed.add(channel);
                }
                return l;
            });
            marked += hit[0] ? 1 : 0;
        }
        return marked;
    }

    /** Slots held by long-poll clients now (for tests and the curious). */
    int slots() {
        return leases.values().stream().mapToInt(l -> l.slots).sum();
    }

    private void end(Key key, ScheduledExecutorService timer) {
        leases.computeIfPresent(key, (k, l) -> {
            l.polls--;
            if (l.slots > Math.max(l.polls, 1)) {
                l.slots--;
                limits.release(l.identity); // a parallel poll's extra slot ends with it
            }
            if (l.polls > 0) {
                return l;
            }
            long generation = ++l.generation;
            try {
                l.expiry = timer.schedule(() -> expire(k, generation), lingerNanos, TimeUnit.NANOSECONDS);
                return l;
            } catch (RejectedExecutionException stopping) {
                limits.release(l.identity); // the node stops: nothing lingers
                leaveAll(l);
                return null;
            }
        });
    }

    private void expire(Key key, long generation) {
        leases.computeIfPresent(key, (k, l) -> {
            if (l.polls > 0 || l.generation != generation) {
                return l;
            }
            limits.release(l.identity);
            leaveAll(l);
            return null;
        });
    }

    /** The lease ends: the client leaves every channel it was in (inside {@code compute} of its key). */
    private void leaveAll(Lease l) {
        if (l.joined != null) {
            l.joined.forEach(presence::left);
            l.joined = null;
        }
    }

    /** A poll's session joined a channel: the lease joins it the first time only. */
    private void joined(Key key, ChannelName channel, PresenceEntry entry) {
        leases.computeIfPresent(key, (k, l) -> {
            if (l.joined == null) {
                l.joined = new java.util.HashMap<>(4);
            }
            if (!l.joined.containsKey(channel)) {
                l.joined.put(channel, entry);
                presence.joined(channel, entry);
            }
            return l;
        });
    }

    /** Unsubscribed (not a poll ending): the lease leaves the channel. */
    private void leave(Key key, ChannelName channel) {
        leases.computeIfPresent(key, (k, l) -> {
            PresenceEntry entry = l.joined == null ? null : l.joined.remove(channel);
            if (entry != null) {
                presence.left(channel, entry);
            }
            return l;
        });
    }

    private record Key(String tenant, String user, List<String> channels) {
    }

    /** Changed only inside {@code compute} of its key. */
    private static final class Lease {
        final ClientIdentity identity;
        /** Polls being held now. */
        int polls;
        /** Slots taken: max(polls, 1) while the lease exists. */
        int slots;
        long generation;
        ScheduledFuture<?> expiry;
        /** Set by a disconnect between polls; the next poll is answered with it. */
        DisconnectReason closedBy;
        /** Channels unsubscribed by the app between polls; handed to the next poll. Null: none. */
        Set<String> unsubscribed;
        /** The client's id in presence, for every poll of the lease. */
        final String presenceClient = "l" + Long.toString(CLIENT_IDS.incrementAndGet(), 36);
        /** The channels this client is in the presence of (or announced to), with its entry; null: none. */
        Map<ChannelName, PresenceEntry> joined;

        Lease(ClientIdentity identity) {
            this.identity = identity;
        }

        void stopExpiry() {
            generation++;
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
        }
    }

    private final class OpenPoll implements Poll {
        private final Key key;
        private final ScheduledExecutorService timer;
        private final Set<String> unsubscribed;
        private boolean ended;

        OpenPoll(Key key, ScheduledExecutorService timer, Set<String> unsubscribed) {
            this.key = key;
            this.timer = timer;
            this.unsubscribed = unsubscribed;
        }

        @Override
        public Set<String> unsubscribed() {
            return unsubscribed;
        }

        @Override
        public String presenceClient() {
            Lease l = leases.get(key);
            return l == null ? "l-gone" : l.presenceClient;
        }

        @Override
        public PresenceSink presence() {
            return new PresenceSink() {
                @Override
                public void joined(ChannelName channel, PresenceEntry entry) {
                    LongPollLeases.this.joined(key, channel, entry);
                }

                @Override
                public void left(ChannelName channel, PresenceEntry entry, boolean connectionClosed) {
                    if (!connectionClosed) {
                        LongPollLeases.this.leave(key, channel);
                    }
                }
            };
        }

        @Override
        public void end() {
            if (!ended) {
                ended = true;
                LongPollLeases.this.end(key, timer);
            }
        }
    }
}

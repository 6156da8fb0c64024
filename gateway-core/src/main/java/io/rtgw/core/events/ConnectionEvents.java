package io.rtgw.core.events;

import io.rtgw.core.JsonStrings;

import io.rtgw.core.ChannelName;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Transport;
import io.rtgw.core.events.FleetState.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of connection events (docs/protocol.md §10). Sessions report their start and
 * end and their subscriptions; the node counts them locally and tells the {@link FleetState} only
 * its own transitions (first connection of a user here, last one gone; first subscriber of a
 * channel here, last one gone), so a connect costs at most one O(1) state write besides its
 * connection record. {@code online}/{@code occupied} are emitted by the node whose arrival marked
 * the user/channel; {@code offline}/{@code vacated} by the node whose grace check un-marks it
 * (the state answers true to exactly one such check). Every interval the node renews its lease
 * and takes over dead nodes' leftovers (each dead node's go to exactly one survivor).
 *
 * <p>A state write for a key is dispatched inside the local map's {@code compute} of that key, so
 * one key's arrivals and departures reach the state in order. An arrival's or departure's answer
 * is handled where it arrives (it only offers an event to the sink or starts a grace timer, both
 * non-blocking): a hand-over to another thread per connect cost more than the work. Grace
 * timers, their checks and the renewal run on the events thread, never on an event loop.
 */
public final class ConnectionEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionEvents.class);
    /** The {@code reason} of a disconnect whose node died: its real close was never seen. */
    public static final String NODE_LOST = "node_lost";

    /** Events off: every method returns at once. */
    public static final ConnectionEvents OFF = new ConnectionEvents();

    /**
     * @param types      which types are emitted ({@code RTGW_EVENTS_TYPES})
     * @param grace      how long a user/channel must stay gone before {@code offline}/{@code vacated}
     * @param interval   how often the node renews its lease and looks for dead nodes
     * @param namespaces by namespace: whether its channels produce occupied/vacated ({@code events: false} opts out)
     */
    public record Settings(Set<EventType> types, Duration grace, Duration interval, Predicate<String> namespaces) {
        public Settings {
            types = types.isEmpty() ? EnumSet.noneOf(EventType.class) : EnumSet.copyOf(types);
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(namespaces, "namespaces");
        }
    }

    private record LocalKey(Kind kind, String tenant, String name) {
    }

    private record ClientKey(String tenant, String client) {
    }

    private final boolean on;
    private final String node;
    private final Settings settings;
    private final FleetState state;
    private final EventSink sink;
    private final EventCounters counters;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Executor async = this::onThread;
    private final Map<LocalKey, Integer> local = new ConcurrentHashMap<>();
    /**
     * This node's open connections' records by tenant and client (kept only when {@code disconnect}
     * events are on), so that after a lost lease they can be written again.
     */
    private final Map<ClientKey, String> records = new ConcurrentHashMap<>();
    /** Renewals left that must write everything again (a lost lease: see {@link #reassert}). */
    private int reassertions;
    /** Keys whose arrival or departure failed to reach the state: sent again at the next renewal. */
    private final Set<LocalKey> repairs = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    /** Distinguishes this process's ids from a previous incarnation with the same node id. */
    private final String idPrefix;
    private final boolean users;
    private final boolean channels;
    private volatile long lastErrorLogNanos = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    private ConnectionEvents() {
        on = false;
        node = null;
        settings = null;
        state = null;
        sink = null;
        counters = EventCounters.NOOP;
        clock = null;
        thread = null;
        idPrefix = null;
        users = false;
        channels = false;
    }

    public ConnectionEvents(String node, Settings settings, FleetState state, EventSink sink, EventCounters counters,
                            Clock clock) {
        this.on = true;
        this.node = Objects.requireNonNull(node, "node");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.state = Objects.requireNonNull(state, "state");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idPrefix = node + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        Set<EventType> t = settings.types();
        this.users = t.contains(EventType.ONLINE) || t.contains(EventType.OFFLINE);
        this.channels = t.contains(EventType.OCCUPIED) || t.contains(EventType.VACATED);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "rtgw-events");
            th.setDaemon(true);
            return th;
        });
    }

    /** Renews the lease every interval; the first run (at once) takes over leftovers of dead nodes, this one's previous start included. */
    public ConnectionEvents start() {
        if (on) {
            thread.scheduleWithFixedDelay(this::renew, 0, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
        }
        return this;
    }

    public boolean enabled() {
        return on;
    }

    /** A session started (any thread: usually its event loop). */
    public void connected(ClientIdentity identity, String client, Transport transport) {
        if (!on) {
            return;
        }
        String tenant = identity.tenant();
        String record = null;
        boolean disconnects = settings.types().contains(EventType.DISCONNECT);
        boolean connects = settings.types().contains(EventType.CONNECT);
        if (disconnects || connects) {
            // the connect event's fields are the record's: built once for both
            StringBuilder fields = connectionFields(client, identity.user(), transport, null);
            if (disconnects) {
                record = "{" + fields + "}";
                records.put(new ClientKey(tenant, client), record);
            }
            if (connects) {
                emit(EventType.CONNECT, tenant, fields);
            }
        }
        if (users) {
            hold(Kind.USER, tenant, identity.user(), client, record);
        } else if (record != null) {
            openRecord(tenant, client, record);
        }
    }

    /** A session ended; {@code reason} null when the transport did not say (the peer went away). */
    public void disconnected(ClientIdentity identity, String client, Transport transport, DisconnectReason reason) {
        if (!on) {
            return;
        }
        String tenant = identity.tenant();
        String recorded = null;
        if (settings.types().contains(EventType.DISCONNECT)) {
            records.remove(new ClientKey(tenant, client));
            recorded = client;
            emit(EventType.DISCONNECT, tenant, connectionFields(client, identity.user(), transport, reason));
        }
        if (users) {
            release(Kind.USER, tenant, identity.user(), recorded);
        } else if (recorded != null) {
            closeRecord(tenant, client);
        }
    }

    /** A session's subscription of the channel started. */
    public void subscribed(ChannelName channel) {
        if (channels && settings.namespaces().test(channel.namespace())) {
            hold(Kind.CHANNEL, channel.tenant(), channel.name(), null, null);
        }
    }

    /** A session's subscription of the channel ended (unsubscribed, or the session closed). */
    public void unsubscribed(ChannelName channel) {
        if (channels && settings.namespaces().test(channel.namespace())) {
            release(Kind.CHANNEL, channel.tenant(), channel.name(), null);
        }
    }

    /**
     * @param client the connection whose record is written with the key's state write, so that a
     *               connect of a user new on this node is one round trip
     * @param record that record, or null for none
     */
    private void hold(Kind kind, String tenant, String name, String client, String record) {
        local.compute(new LocalKey(kind, tenant, name), (k, n) -> {
            if (n != null) {
                if (record != null) {
                    openRecord(tenant, client, record);
                }
                return n + 1;
            }
            arrive(k, client, record);
            return 1;
        });
    }

    private void openRecord(String tenant, String client, String record) {
        dispatch(() -> state.connectionOpened(tenant, client, record))
                .whenComplete((ok, error) -> failedIf(error, "connection record"));
    }

    private void closeRecord(String tenant, String client) {
        dispatch(() -> state.connectionClosed(tenant, client))
                .whenComplete((ok, error) -> failedIf(error, "connection record"));
    }

    /** Called inside the key's compute, so it reaches the state in order with the key's other writes. */
    private void arrive(LocalKey k, String client, String record) {
        dispatch(() -> record == null ? state.arrived(k.kind(), k.tenant(), k.name())
                : state.connectionOpenedAndArrived(k.tenant(), client, record, k.name()))
                .whenComplete((first, error) -> {
                    if (failedIf(error, "arrival")) {
                        repairs.add(k);
                    } else if (first) {
                        emitName(k.kind() == Kind.USER ? EventType.ONLINE : EventType.OCCUPIED, k.tenant(), k.name());
                    }
                });
    }

    /** Called inside the key's compute, like {@link #arrive}; {@code client} a record to delete with it, or null. */
    private void depart(LocalKey k, String client) {
        dispatch(() -> client == null ? state.left(k.kind(), k.tenant(), k.name())
                : state.connectionClosedAndLeft(k.tenant(), client, k.name()))
                .whenComplete((goneEverywhere, error) -> {
                    if (failedIf(error, "departure")) {
                        repairs.add(k);
                    } else if (goneEverywhere) {
                        schedule(() -> checkGone(k.kind(), k.tenant(), k.name()), settings.grace());
                    }
                });
    }

    /**
     * Sends again what failed, as the key stands now: an arrival if this node holds it, else a
     * departure. Both are idempotent in the state, so a write that did land is harmless to repeat.
     */
    private void repair() {
        for (LocalKey k : List.copyOf(repairs)) {
            repairs.remove(k);
            local.compute(k, (key, n) -> {
                if (n != null) {
                    arrive(key, null, null);
                } else {
                    depart(key, null);
                }
                return n;
            });
        }
    }

    /** @param client a connection record to delete with the key's state write, or null */
    private void release(Kind kind, String tenant, String name, String client) {
        local.compute(new LocalKey(kind, tenant, name), (k, n) -> {
            if (n == null || n > 1) {
                if (client != null) {
                    closeRecord(tenant, client);
                }
                return n == null ? null : n - 1;
            }
            depart(k, client);
            return null;
        });
    }

    private void checkGone(Kind kind, String tenant, String name) {
        dispatch(() -> state.goneForGood(kind, tenant, name)).whenCompleteAsync((gone, error) -> {
            if (failedIf(error, "grace check")) {
                schedule(() -> checkGone(kind, tenant, name), settings.interval()); // until the state answers
            } else if (gone) {
                emitName(kind == Kind.USER ? EventType.OFFLINE : EventType.VACATED, tenant, name);
            }
        }, async);
    }

    /** On the events thread: the lease, and what dead nodes left behind. */
    private void renew() {
        repair();
        if (reassertions > 0) {
            reassertions--;
            reassert();
        }
        dispatch(state::renewAndRecover).whenCompleteAsync((renewal, error) -> {
            if (failedIf(error, "lease renewal")) {
                return;
            }
            if (renewal.leaseWasLost() && !local.isEmpty()) {
                log.warn("events: this node's lease had run out (cut off from the state too long); survivors may have "
                        + "reported its users offline, so it announces what it holds again");
                // now, and once more at the next renewal: a survivor may have been taking this
                // node's state over at the very moment the lease came back
                reassertions = 1;
                reassert();
            }
            for (FleetState.Leftovers l : renewal.leftovers()) {
                recovered(l);
            }
        }, async);
    }

    /**
     * Writes everything this node holds again; what a survivor had taken is marked anew, so the
     * app hears {@code connect} for its connections and {@code online}/{@code occupied} again for
     * what it was told was gone. Arrivals are idempotent, so what was not taken stays as it was.
     */
    private void reassert() {
        records.forEach((k, record) -> state.connectionOpened(k.tenant(), k.client(), record)
                .whenCompleteAsync((taken, error) -> {
                    // a record that was gone had been taken by a survivor, which reported it node_lost
                    if (!failedIf(error, "connection record") && taken && records.containsKey(k)
                            && settings.types().contains(EventType.CONNECT)) {
                        emit(EventType.CONNECT, k.tenant(), fieldsOf(record));
                    }
                }, async));
        for (LocalKey k : List.copyOf(local.keySet())) {
            local.computeIfPresent(k, (key, n) -> {
                arrive(key, null, null);
                return n;
            });
        }
    }

    private void recovered(FleetState.Leftovers l) {
        log.info("events: took over node {} in tenant {}: {} connections, {} users offline, {} channels vacated",
                l.node(), l.tenant(), l.connections().size(), l.offline().size(), l.vacated().size());
        if (settings.types().contains(EventType.DISCONNECT)) {
            for (String record : l.connections()) {
                emit(EventType.DISCONNECT, l.tenant(), lostConnectionFields(record));
            }
        }
        for (String user : l.offline()) {
            emitName(EventType.OFFLINE, l.tenant(), user);
        }
        for (String channel : l.vacated()) {
            emitName(EventType.VACATED, l.tenant(), channel);
        }
    }

    private void emitName(EventType type, String tenant, String name) {
        if (!settings.types().contains(type)) {
            return;
        }
        StringBuilder b = new StringBuilder(64);
        b.append(type == EventType.ONLINE || type == EventType.OFFLINE ? "\"user\":" : "\"channel\":");
        JsonStrings.quote(b, name);
        emit(type, tenant, b);
    }

    /** Builds {@code {"id","type","tenant","at",<fields>}} and hands it to the sink. */
    private void emit(EventType type, String tenant, CharSequence fields) {
        StringBuilder b = new StringBuilder(96 + fields.length());
        b.append("{\"id\":\"").append(idPrefix).append(Long.toString(sequence.incrementAndGet(), 36))
                .append("\",\"type\":\"").append(type.wire()).append("\",\"tenant\":");
        JsonStrings.quote(b, tenant);
        b.append(",\"at\":").append(clock.millis()).append(',').append(fields).append('}');
        counters.emitted(type);
        sink.emit(new AppEvent(tenant, type, b.toString()));
    }

    private StringBuilder connectionFields(String client, String user, Transport transport, DisconnectReason reason) {
        StringBuilder b = new StringBuilder(96);
        b.append("\"client\":");
        JsonStrings.quote(b, client);
        b.append(",\"user\":");
        JsonStrings.quote(b, user);
        b.append(",\"transport\":\"").append(transport.label()).append("\",\"node\":");
        JsonStrings.quote(b, node);
        if (reason != null) {
            b.append(",\"code\":").append(reason.closeCode()).append(",\"reason\":\"").append(reason.reason()).append('"');
        }
        return b;
    }

    /** A connection record (its connect fields as an object) as fields, with the crash's reason. */
    static String lostConnectionFields(String record) {
        return fieldsOf(record) + ",\"reason\":\"" + NODE_LOST + "\"";
    }

    /** The fields of a JSON object: its text without the braces. */
    static String fieldsOf(String record) {
        String inner = record.strip();
        return inner.startsWith("{") && inner.endsWith("}") ? inner.substring(1, inner.length() - 1) : inner;
    }

    private <T> CompletableFuture<T> dispatch(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Counted always; logged at most once a minute, since an outage fails every write. */
    private boolean failedIf(Throwable error, String what) {
        if (error == null) {
            return false;
        }
        counters.stateError();
        long now = System.nanoTime();
        if (now - lastErrorLogNanos > TimeUnit.MINUTES.toNanos(1)) {
            lastErrorLogNanos = now;
            log.warn("events: {} failed: {} (counted in rtgw_events_state_errors_total)", what, error.toString());
        }
        return true;
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            task.run(); // the node is stopping: decide now rather than never
        }
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run(); // after close began: the result still counts (emitting never blocks)
        }
    }

    /**
     * Stops renewing, lets the grace checks already due run (up to the grace period plus a
     * little), then closes the state and flushes the sink. Call after the sessions have closed.
     */
    @Override
    public void close() {
        if (!on) {
            return;
        }
        thread.shutdown(); // delayed grace checks still run; the periodic renewal stops
        try {
            thread.awaitTermination(settings.grace().toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state.close();
        sink.close();
    }
}

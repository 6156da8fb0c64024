package io.rtgw.core;

import io.rtgw.core.ServerMessage.Ack;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Expiring;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Refreshed;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.UnsubscribeReason;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.ServerMessage.Welcome;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection logic every transport shares: subscriptions with their positions, catch-up
 * without loss or duplicates, client publish, token refresh and expiry. Knows nothing of Netty.
 *
 * <p>Everything runs on the connection's executor; asynchronous results are brought back to it,
 * so no field needs a lock.
 *
 * <p>Catch-up: a subscription that is reading history buffers the live publications that arrive
 * meanwhile, then drains them, dropping any at or below the last delivered offset. A live
 * publication that skips offsets (a hiccup upstream) triggers the same history fill; a change of
 * epoch, or history that no longer reaches back far enough, is announced as a gap.
 */
public final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final long RETRY_MILLIS = 1000;

    private final Connection connection;
    private final SessionContext ctx;
    private final SessionSettings settings;
    /**
     * Sized for the usual one or two channels: a default table (16 slots) on each of tens of
     * thousands of idle sessions is memory for nothing; more subscriptions grow it as usual.
     */
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>(2);
    private ClientIdentity identity;
    /**
     * The next token event: the {@code expiring} warning, which then schedules the expiry, or the
     * expiry itself. One pending task per session instead of two (each idle session holds it).
     */
    private ScheduledFuture<?> tokenTimer;
    private ScheduledFuture<?> lifetimeTimer;
    private boolean closed;

    public ClientSession(Connection connection, ClientIdentity identity, SessionContext ctx) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.settings = ctx.settings();
    }

    public ClientIdentity identity() {
        return identity;
    }

    public Connection connection() {
        return connection;
    }

    public Executor executor() {
        return connection.executor();
    }

    /** Channels subscribed automatically: the personal channel, when enabled and valid. */
    public List<String> automaticChannels() {
        String personal = settings.personalChannel() ? identity.personalChannel() : null;
        return personal == null ? List.of() : List.of(personal);
    }

    /** Sends {@code welcome}, subscribes the automatic channels and starts the token timers. */
    public void start() {
        start(Map.of());
    }

    /**
     * Like {@link #start()}, but resumes each automatic channel after the id given for it (SSE and
     * long-poll carry the personal channel's position in their cursor, so it must not start blind).
     */
    public void start(Map<String, String> sinceByChannel) {
        List<String> automatic = automaticChannels();
        connection.send(new Welcome(connection.id(), identity, automatic));
        scheduleTokenTimers();
        if (!settings.maxLifetime().isZero()) {
            lifetimeTimer = connection.executor().schedule(() -> connection.close(DisconnectReason.LIFETIME),
                    settings.maxLifetime().toNanos(), TimeUnit.NANOSECONDS);
        }
        for (String channel : automatic) {
            subscribe(channel, sinceByChannel.get(channel), null);
        }
    }

    /**
     * Subscribes {@code channel}, resuming after {@code since} when given (an id that does not
     * decode is answered with a gap, never an error). Answers {@code subscribed} once delivery
     * starts, or {@code error}; either carries {@code ref}.
     */
    public void subscribe(String channel, String since, String ref) {
        if (closed) {
            return;
        }
        String problem = ChannelName.nameProblem(channel);
        if (problem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, problem);
            return;
        }
        if (!identity.maySubscribe(channel)) {
            ctx.observer().authFailure(AuthFailure.FORBIDDEN);
            reply(ref, channel, ErrorCode.FORBIDDEN, "not allowed to subscribe to " + channel);
            return;
        }
        if (subscriptions.containsKey(channel)) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, "already subscribed to " + channel);
            return;
        }
        if (subscriptions.size() >= settings.maxSubscriptions()) {
            reply(ref, channel, ErrorCode.LIMIT_REACHED,
                    "at most " + settings.maxSubscriptions() + " subscriptions per connection");
            return;
        }
        Subscription sub = new Subscription(ChannelName.of(identity.tenant(), channel), since, ref);
        subscriptions.put(channel, sub);
        sub.recovering = true;
        ctx.hub().add(sub.channel, sub).whenComplete((ok, error) -> executor().execute(() -> {
            if (!isCurrent(sub)) {
                return;
            }
            if (error != null) {
                dropAfterFailure(sub, error);
            } else {
                readHistory(sub, sub.resumeFrom, Phase.INITIAL);
            }
        }));
    }

    /** The client's unsubscribe: answered {@code unsubscribed {reason: client}} or {@code error}, with {@code ref}. */
    public void unsubscribe(String channel, String ref) {
        if (!subscriptions.containsKey(channel)) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, "not subscribed to " + channel);
            return;
        }
        end(channel, UnsubscribeReason.CLIENT, ref);
    }

    private void end(String channel, UnsubscribeReason reason, String ref) {
        subscriptions.remove(channel).leaveHub();
        connection.send(new Unsubscribed(channel, reason, ref));
    }

    /** A client publication (WebSocket): granted by the token's {@code publish} claim and the namespace. */
    public void publish(String channel, String event, String data, String ref) {
        String problem = ChannelName.nameProblem(channel);
        if (problem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, problem);
            return;
        }
        String eventProblem = event == null ? null : EventName.problem(event);
        if (eventProblem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, eventProblem);
            return;
        }
        ChannelName name = ChannelName.of(identity.tenant(), channel);
        if (!identity.mayPublish(channel) || !settings.clientPublish().test(name.namespace())) {
            ctx.observer().authFailure(AuthFailure.FORBIDDEN);
            reply(ref, channel, ErrorCode.FORBIDDEN, "not allowed to publish to " + channel);
            return;
        }
        ctx.broker().publish(new PublishRequest(name, event, data, null)).whenComplete((id, error) ->
                executor().execute(() -> {
                    if (error != null) {
                        log.warn("client publish to {} failed: {}", name, unwrap(error).toString());
                        reply(ref, channel, ErrorCode.UNAVAILABLE, "publish failed, try again");
                    } else {
                        ctx.observer().published("websocket");
                        connection.send(new Ack(ref, id));
                    }
                }));
    }

    /** A new token for the same user and tenant extends the connection; anything else is refused, connection kept. */
    public void refresh(String token) {
        ctx.authenticator().authenticate(token).whenComplete((fresh, error) -> executor().execute(() -> {
            if (closed) {
                return;
            }
            if (error != null) {
                Throwable cause = unwrap(error);
                AuthFailure failure = cause instanceof AuthenticationException a ? a.failure() : AuthFailure.INVALID;
                ctx.observer().authFailure(failure);
                reply(null, null, failure == AuthFailure.EXPIRED ? ErrorCode.TOKEN_EXPIRED : ErrorCode.UNAUTHORIZED,
                        cause instanceof AuthenticationException ? cause.getMessage() : "token refused");
                return;
            }
            if (!fresh.samePrincipal(identity)) {
                ctx.observer().authFailure(AuthFailure.FORBIDDEN);
                reply(null, null, ErrorCode.FORBIDDEN, "a refreshed token must have the same sub and tenant");
                return;
            }
            identity = fresh;
            dropSubscriptionsNoLongerGranted();
            scheduleTokenTimers();
            connection.send(new Refreshed(fresh.expiresAt()));
        }));
    }

    /** The transport calls this once when the connection has ended, whatever the reason. */
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        cancel(tokenTimer);
        cancel(lifetimeTimer);
        for (Subscription sub : subscriptions.values()) {
            sub.leaveHub();
        }
        subscriptions.clear();
    }

    /** A live publication from the hub, handed to the subscription it was registered for. */
    private void deliver(Subscription sub, Publication publication) {
        if (closed || sub.left) {
            return;
        }
        if (sub.recovering) {
            if (sub.pendingCount() >= settings.maxPendingPerChannel()) {
                connection.close(DisconnectReason.SLOW_CONSUMER);
                return;
            }
            sub.pending().addLast(publication);
            return;
        }
        deliverLive(sub, publication);
    }

    private void resync(Subscription sub) {
        if (!closed && !sub.left && !sub.recovering && sub.last != null) {
            readHistory(sub, sub.last, Phase.FILL);
        }
    }

    private void deliverLive(Subscription sub, Publication p) {
        StreamPosition pos = p.position();
        if (pos == null) {
            connection.send(p);
            return;
        }
        if (!pos.sameEpoch(sub.last)) {
            // The channel's history was reset: whatever came before in the old epoch is unknown.
            sub.forceGap = true;
            sub.pending().addFirst(p);
            readHistory(sub, StreamPosition.start(pos.epoch()), Phase.FILL);
            return;
        }
        long expected = sub.last.offset() + 1;
        if (pos.offset() < expected) {
            return; // already delivered (replay and live overlap)
        }
        if (pos.offset() > expected) {
            if (sub.lastFillHead != null && sub.lastFillHead.sameEpoch(pos)
                    && sub.lastFillHead.offset() >= pos.offset()) {
                // History claimed to cover this and still skipped it: announce rather than loop.
                sendGap(sub);
            } else {
                sub.pending().addFirst(p);
                readHistory(sub, sub.last, Phase.FILL);
                return;
            }
        }
        sub.last = pos;
        connection.send(p);
    }

    private void readHistory(Subscription sub, StreamPosition from, Phase phase) {
        sub.recovering = true;
        ctx.broker().history(sub.channel, from, settings.historyPageSize()).whenComplete((result, error) ->
                executor().execute(() -> onHistory(sub, from, phase, result, error)));
    }

    private void onHistory(Subscription sub, StreamPosition from, Phase phase, HistoryResult result, Throwable error) {
        if (!isCurrent(sub)) {
            return;
        }
        if (error != null) {
            if (phase == Phase.INITIAL) {
                dropAfterFailure(sub, error);
            } else {
                log.debug("history of {} failed, retrying: {}", sub.channel, unwrap(error).toString());
                connection.executor().schedule(() -> {
                    if (isCurrent(sub)) {
                        readHistory(sub, from, phase);
                    }
                }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (phase == Phase.INITIAL) {
            boolean asked = sub.requestedSince != null;
            boolean recovered = asked && sub.resumeFrom != null && result.recovered();
            sub.last = recovered ? sub.resumeFrom : result.head();
            connection.send(new Subscribed(sub.name(), sub.last, recovered, sub.ref));
            sub.resumeAnswered();
            if (asked && !recovered) {
                sendGap(sub);
            }
            if (!recovered) {
                drain(sub, null);
                return;
            }
        } else if (sub.forceGap || !result.recovered()) {
            sub.forceGap = false;
            sendGap(sub);
            if (!result.recovered()) {
                sub.last = result.head();
                drain(sub, result.head());
                return;
            }
            sub.last = from;
        }
        int replayed = 0;
        for (Publication p : result.publications()) {
            StreamPosition pos = p.position();
            if (pos.sameEpoch(sub.last) && pos.offset() > sub.last.offset()) {
                connection.send(p);
                sub.last = pos;
                replayed++;
            }
        }
        if (replayed > 0) {
            ctx.observer().replayed(replayed);
        }
        boolean morePages = result.publications().size() >= settings.historyPageSize()
                && sub.last.sameEpoch(result.head()) && sub.last.offset() < result.head().offset();
        if (morePages) {
            readHistory(sub, sub.last, Phase.CONTINUE);
            return;
        }
        drain(sub, result.head());
    }

    private void drain(Subscription sub, StreamPosition fillHead) {
        sub.recovering = false;
        sub.lastFillHead = fillHead;
        Publication p;
        while (!sub.recovering && sub.pending != null && (p = sub.pending.pollFirst()) != null) {
            deliverLive(sub, p);
        }
        sub.lastFillHead = null;
    }

    private void sendGap(Subscription sub) {
        ctx.observer().gap();
        connection.send(new Gap(sub.name()));
    }

    private void dropAfterFailure(Subscription sub, Throwable error) {
        log.warn("subscribe {} failed: {}", sub.channel, unwrap(error).toString());
        subscriptions.remove(sub.name());
        sub.leaveHub();
        reply(sub.ref, sub.name(), ErrorCode.UNAVAILABLE, "cannot subscribe to " + sub.name() + " right now, try again");
    }

    private void dropSubscriptionsNoLongerGranted() {
        List<String> revoked = new ArrayList<>();
        for (String name : subscriptions.keySet()) {
            if (!identity.maySubscribe(name)) {
                revoked.add(name);
            }
        }
        revoked.forEach(channel -> end(channel, UnsubscribeReason.REVOKED, null));
    }

    private void scheduleTokenTimers() {
        cancel(tokenTimer);
        tokenTimer = null;
        if (!identity.expires()) {
            return;
        }
        long expMillis = identity.expiresAt() * 1000L;
        if (settings.expiringLead().isZero()) {
            scheduleExpiry(expMillis);
            return;
        }
        long warnMillis = expMillis - settings.expiringLead().toMillis();
        tokenTimer = connection.executor().schedule(() -> {
            connection.send(new Expiring(Math.max(0, (expMillis - System.currentTimeMillis()) / 1000)));
            scheduleExpiry(expMillis);
        }, Math.max(0, warnMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    /** Closes the connection once the token has expired, allowing for clock skew. */
    private void scheduleExpiry(long expMillis) {
        if (closed) {
            return;
        }
        long endMillis = expMillis + settings.skew().toMillis();
        tokenTimer = connection.executor().schedule(() -> connection.close(DisconnectReason.TOKEN_EXPIRED),
                Math.max(0, endMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    private boolean isCurrent(Subscription sub) {
        return !closed && subscriptions.get(sub.name()) == sub;
    }

    private void reply(String ref, String channel, ErrorCode code, String message) {
        connection.send(new ErrorReply(ref, channel, code, message));
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private enum Phase { INITIAL, FILL, CONTINUE }

    /**
     * One channel of this session; touched only on the session's executor. It is what the hub
     * holds, so a delivery reaches it without looking the channel up among the session's.
     */
    private final class Subscription implements SessionHandle {
        final ChannelName channel;
        /** The subscribe's {@code ref}, echoed by its answer; dropped once answered. */
        String ref;
        /** What the client asked to resume after; only the initial history read needs it. */
        String requestedSince;
        /** Null when no resume was asked for, or the id did not decode; dropped like requestedSince. */
        StreamPosition resumeFrom;
        /**
         * Live publications held while history is read; null until the first one. Most idle
         * subscriptions never hold any, so they do not carry an empty queue.
         */
        ArrayDeque<Publication> pending;
        /** The last position delivered (or the start position); null until the first history read. */
        StreamPosition last;
        boolean recovering;
        boolean forceGap;
        StreamPosition lastFillHead;
        /** Out of the hub and of the session's map: deliveries already queued are dropped. */
        boolean left;

        Subscription(ChannelName channel, String since, String ref) {
            this.channel = channel;
            this.ref = ref;
            this.requestedSince = since;
            this.resumeFrom = StreamPosition.parse(since);
        }

        String name() {
            return channel.name();
        }

        ArrayDeque<Publication> pending() {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            return pending;
        }

        int pendingCount() {
            return pending == null ? 0 : pending.size();
        }

        /** The initial read has answered the resume request; a long-lived session need not keep it. */
        void resumeAnswered() {
            ref = null;
            requestedSince = null;
            resumeFrom = null;
        }

        void leaveHub() {
            left = true;
            ctx.hub().remove(channel, this);
        }

        @Override
        public Executor executor() {
            return ClientSession.this.executor();
        }

        @Override
        public void deliver(Publication publication) {
            ClientSession.this.deliver(this, publication);
        }

        @Override
        public void resync(ChannelName channel) {
            ClientSession.this.resync(this);
        }
    }
}

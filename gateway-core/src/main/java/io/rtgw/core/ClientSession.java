package io.rtgw.core;

import io.rtgw.core.ServerMessage.Ack;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Positioned;
import io.rtgw.core.ServerMessage.PresenceReply;
import io.rtgw.core.ServerMessage.Refreshed;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.UnsubscribeReason;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.ServerMessage.Welcome;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.core.broker.BrokerLimitException;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.core.hooks.HookVerdict;
import io.rtgw.core.presence.PresenceEntry;
import io.rtgw.core.presence.PresenceSink;
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
 * The per-connection logic every transport shares: the commands of docs/protocol.md §4
 * (subscribe, unsubscribe, publish, refresh), each answered with the command's {@code ref}, and
 * the token's expiry. Knows nothing of Netty.
 *
 * <p>Each channel is a {@link SessionSubscription}, whose state machine (waiting for the broker,
 * catching up, live) is documented there; the channel's {@link ChannelFeed} keeps the live order
 * for every session of the node. Everything runs on the connection's executor; asynchronous
 * results are brought back to it, so no field needs a lock.
 */
public final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    /** Commands that may wait behind one the app is being asked about. */
    static final int MAX_HELD = 64;

    private final Connection connection;
    private final SessionContext ctx;
    private final SessionSettings settings;
    /**
     * Sized for the usual one or two channels: a default table (16 slots) on each of tens of
     * thousands of idle sessions is memory for nothing; more subscriptions grow it as usual.
     */
    private final Map<String, SessionSubscription> subscriptions = new LinkedHashMap<>(2);
    /** Subscribes and unsubscribes that wait for an earlier subscribe of their channel to be answered. */
    private final ChannelCommandQueue waiting = new ChannelCommandQueue(this::unanswered);
    private final TokenTimers tokenTimers;
    private ClientIdentity identity;
    private ScheduledFuture<?> lifetimeTimer;
    /** The channels a stream started with that have no position yet; null when none is awaited. */
    private StreamStart streamStart;
    private boolean closed;
    /** Where joins and leaves go, and under which client id: the node's presence unless the transport says otherwise. */
    private PresenceSink presenceSink;
    private String presenceClient;
    /** begin() ran: the session counts as connected for connection events (docs/protocol.md §10). */
    private boolean started;
    /** The app is being asked about a command (docs/protocol.md §11); later commands wait in {@link #held}. */
    private boolean askingApp;
    /** Commands sent while the app was being asked, run in order once it answered; null until needed. */
    private java.util.ArrayDeque<Runnable> held;
    /** Channels the app's subscribe hook allowed on this connection: a refreshed token's grants do not end them. */
    private java.util.Set<String> appAllowed;

    public ClientSession(Connection connection, ClientIdentity identity, SessionContext ctx) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.settings = ctx.settings();
        this.tokenTimers = new TokenTimers(connection, settings.skew(), settings.expiringLead());
        this.presenceSink = ctx.presence();
        this.presenceClient = connection.id();
    }

    /**
     * Reports joins and leaves to {@code sink} under {@code clientId} instead of the node's
     * presence under the connection's id: a long-poll client is one entry across its polls.
     * Called before {@link #start} or {@link #startStream}.
     */
    public void presenceAs(String clientId, PresenceSink sink) {
        this.presenceClient = Objects.requireNonNull(clientId, "clientId");
        this.presenceSink = Objects.requireNonNull(sink, "sink");
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
        begin();
        for (String channel : automaticChannels()) {
            subscribe(channel, null, null);
        }
    }

    /**
     * Starts a stream (SSE, long-poll): the automatic channels and {@code channels}, each resumed
     * after the id given for it. Once every one has its position the connection gets one
     * {@link Positioned}, so the transport can write its first cursor.
     */
    public void startStream(List<String> channels, Map<String, String> sinceByChannel) {
        begin();
        List<String> all = new ArrayList<>(automaticChannels());
        for (String channel : channels) {
            if (!all.contains(channel)) {
                all.add(channel);
            }
        }
        streamStart = new StreamStart(all);
        if (all.isEmpty()) {
            connection.send(new Positioned());
            streamStart = null;
        }
        for (String channel : all) {
            subscribe(channel, sinceByChannel.get(channel), null);
        }
    }

    private void begin() {
        ctx.directory().add(this);
        started = true;
        ctx.events().connected(identity, connection.id(), connection.transport());
        connection.send(new Welcome(connection.id(), identity, automaticChannels()));
        tokenTimers.arm(identity);
        if (!settings.maxLifetime().isZero()) {
            lifetimeTimer = connection.executor().schedule(() -> connection.close(DisconnectReason.LIFETIME),
                    settings.maxLifetime().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Subscribes {@code channel}, resuming after {@code since} when given (an id that does not
     * decode is answered with a gap, never an error). Answers {@code subscribed} once delivery
     * starts — late, when the broker is unreachable now — or {@code error}; either carries {@code ref}.
     */
    public void subscribe(String channel, String since, String ref) {
        if (closed || heldForApp(() -> subscribe(channel, since, ref))
                || waiting.defer(channel, () -> subscribe(channel, since, ref))) {
            return;
        }
        String problem = ChannelName.nameProblem(channel);
        boolean granted = problem == null && identity.maySubscribe(channel);
        if (problem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, problem);
        } else if (!granted && !ctx.hooks().asksOnSubscribe(ChannelName.of(identity.tenant(), channel).namespace())) {
            refuseSubscribe(channel, ref);
        } else if (subscriptions.containsKey(channel)) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, "already subscribed to " + channel);
        } else if (subscriptions.size() >= settings.maxSubscriptions()) {
            reply(ref, channel, ErrorCode.LIMIT_REACHED,
                    "at most " + settings.maxSubscriptions() + " subscriptions per connection");
        } else if (!granted) {
            askAppToSubscribe(channel, since, ref);
        } else {
            subscribeNow(channel, since, ref);
        }
    }

    private void subscribeNow(String channel, String since, String ref) {
        subscriptions.put(channel, new SessionSubscription(this, ChannelName.of(identity.tenant(), channel),
                since, ref, settings.maxPendingPerChannel()));
    }

    private void refuseSubscribe(String channel, String ref) {
        ctx.observer().authFailure(AuthFailure.FORBIDDEN);
        reply(ref, channel, ErrorCode.FORBIDDEN, "not allowed to subscribe to " + channel);
    }

    /** The grants do not cover the channel but its namespace lets the app decide (docs/protocol.md §11). */
    private void askAppToSubscribe(String channel, String since, String ref) {
        askApp(ctx.hooks().subscribe().decide(identity, connection.id(), channel), verdict -> {
            switch (verdict.outcome()) {
                case ALLOWED -> {
                    if (appAllowed == null) {
                        appAllowed = new java.util.HashSet<>(2);
                    }
                    appAllowed.add(channel);
                    subscribeNow(channel, since, ref);
                }
                case REFUSED -> refuseSubscribe(channel, ref);
                case UNAVAILABLE -> reply(ref, channel, ErrorCode.UNAVAILABLE,
                        "the app did not answer about " + channel + "; try again");
            }
        });
    }

    /**
     * Holds the connection's later commands until the app's verdict is back on this connection's
     * thread; then acts on it (a failed question is {@link HookVerdict#UNAVAILABLE}) and runs them.
     */
    private void askApp(java.util.concurrent.CompletableFuture<HookVerdict> question,
                        java.util.function.Consumer<HookVerdict> answered) {
        askingApp = true;
        question.whenComplete((verdict, error) -> executor().execute(() -> {
            askingApp = false;
            if (!closed) {
                answered.accept(error != null ? HookVerdict.UNAVAILABLE : verdict);
                runHeld();
            }
        }));
    }

    /**
     * While the app is asked about a command, the connection's later commands wait behind it, so
     * they take effect in the order sent (docs/protocol.md §4): a publish behind a hooked
     * subscribe of its channel, publishes behind a hooked publish. At most
     * {@link #MAX_HELD} wait; a client that sends more while its app is slow is closed
     * {@code rate_limited}, as one that floods commands is.
     *
     * @return true when {@code command} was kept for later
     */
    private boolean heldForApp(Runnable command) {
        if (!askingApp) {
            return false;
        }
        if (held == null) {
            held = new java.util.ArrayDeque<>(4);
        }
        if (held.size() >= MAX_HELD) {
            connection.close(DisconnectReason.RATE_LIMITED);
        } else {
            held.add(command);
        }
        return true;
    }

    /** Runs what waited for the app's answer, until one of those asks the app again. */
    private void runHeld() {
        while (!askingApp && !closed && held != null && !held.isEmpty()) {
            held.poll().run();
        }
    }

    /**
     * The client's unsubscribe: answered {@code unsubscribed {reason: client}} or {@code error},
     * with {@code ref}; it waits behind an unanswered subscribe of the channel (ChannelCommandQueue).
     */
    public void unsubscribe(String channel, String ref) {
        if (closed || heldForApp(() -> unsubscribe(channel, ref))
                || waiting.defer(channel, () -> unsubscribe(channel, ref))) {
            return;
        }
        SessionSubscription sub = subscriptions.get(channel);
        if (sub == null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, "not subscribed to " + channel);
            return;
        }
        end(sub, UnsubscribeReason.CLIENT, ref);
    }

    /**
     * The server API ended the user's subscription of {@code channel} (docs/protocol.md §7): the
     * client gets {@code unsubscribed {reason: server}}; a new subscribe is judged afresh. A
     * subscribe still waiting for its answer (the broker is slow or down) is answered first.
     *
     * @return whether the connection was subscribed (or is about to be, and is then unsubscribed)
     */
    public boolean unsubscribeByServer(String channel) {
        if (closed) {
            return false;
        }
        if (heldForApp(() -> unsubscribeByServer(channel))) {
            return true; // it may be the channel the app is asked about: ended right after its answer
        }
        // Behind an unanswered subscribe of the channel, as a client's unsubscribe: the client
        // sees `subscribed` (its subscribe is answered, with its ref) and then `unsubscribed`.
        if (waiting.defer(channel, () -> unsubscribeByServer(channel))) {
            return true;
        }
        SessionSubscription sub = subscriptions.get(channel);
        if (sub == null) {
            return false;
        }
        end(sub, UnsubscribeReason.SERVER, null);
        return true;
    }

    /** The server API ended the connection (disconnect, revoke); the transport tells the client why. */
    public void disconnect(DisconnectReason reason) {
        if (!closed) {
            connection.close(reason);
        }
    }

    private void end(SessionSubscription sub, UnsubscribeReason reason, String ref) {
        if (subscriptions.remove(sub.name(), sub)) {
            if (appAllowed != null) {
                appAllowed.remove(sub.name()); // subscribed again, it is asked about again
            }
            sub.leave();
            leftPresence(sub, false);
            connection.send(new Unsubscribed(sub.name(), reason, ref));
            waiting.resume(sub.name()); // a revoked subscription never answers: run what waited for it
        }
    }

    /**
     * A client publication (WebSocket): granted by the token's {@code publish} claim and the
     * namespace, or — in a namespace with {@code publish_hook: true} — by the app, which may also
     * replace the data (docs/protocol.md §11).
     */
    public void publish(String channel, String event, String data, String ref) {
        if (closed || heldForApp(() -> publish(channel, event, data, ref))) {
            return;
        }
        String problem = ChannelName.nameProblem(channel);
        if (problem == null && event != null) {
            problem = EventName.problem(event);
        }
        if (problem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, problem);
            return;
        }
        ChannelName name = ChannelName.of(identity.tenant(), channel);
        boolean appDecides = ctx.hooks().asksOnPublish(name.namespace());
        if ((!appDecides && !identity.mayPublish(channel)) || !settings.clientPublish().test(name.namespace())) {
            refusePublish(channel, ref);
        } else if (appDecides) {
            askAppToPublish(name, event, data, ref);
        } else {
            publishNow(name, event, data, ref);
        }
    }

    private void refusePublish(String channel, String ref) {
        ctx.observer().authFailure(AuthFailure.FORBIDDEN);
        reply(ref, channel, ErrorCode.FORBIDDEN, "not allowed to publish to " + channel);
    }

    private void askAppToPublish(ChannelName name, String event, String data, String ref) {
        String channel = name.name();
        askApp(ctx.hooks().publish().decide(identity, connection.id(), channel, event, data), verdict -> {
            switch (verdict.outcome()) {
                case ALLOWED -> publishNow(name, event, verdict.data() != null ? verdict.data() : data, ref);
                case REFUSED -> refusePublish(channel, ref);
                case UNAVAILABLE -> reply(ref, channel, ErrorCode.UNAVAILABLE,
                        "the app did not answer about this publish; try again");
            }
        });
    }

    private void publishNow(ChannelName name, String event, String data, String ref) {
        String channel = name.name();
        ctx.broker().publish(new PublishRequest(name, event, data, null)).whenComplete((id, error) ->
                executor().execute(() -> {
                    if (unwrap(error) instanceof BrokerLimitException limit) {
                        // counted by the broker (rtgw_broker_refusals_total), not logged: a flood of them is the attack
                        reply(ref, channel, ErrorCode.LIMIT_REACHED, limit.getMessage());
                    } else if (error != null) {
                        log.warn("client publish to {} failed: {}", name, unwrap(error).toString());
                        reply(ref, channel, ErrorCode.UNAVAILABLE, "publish failed, try again");
                    } else {
                        ctx.observer().published("websocket");
                        SessionSubscription sub = subscriptions.get(channel);
                        Ack ack = new Ack(ref, id);
                        if (sub == null) {
                            connection.send(ack);
                        } else {
                            sub.whenSubscribed(() -> send(ack));
                        }
                    }
                }));
    }

    /**
     * The WebSocket {@code presence} command (docs/protocol.md §9): the channel's presence set,
     * for a connection subscribed to it ({@code forbidden} otherwise) in a namespace with
     * {@code presence: true} ({@code bad_request} otherwise). Behind an unanswered subscribe of
     * the channel it waits for {@code subscribed}, so the answer includes this connection.
     */
    public void presence(String channel, String ref) {
        if (closed || heldForApp(() -> presence(channel, ref))) {
            return;
        }
        String problem = ChannelName.nameProblem(channel);
        if (problem != null) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, problem);
            return;
        }
        SessionSubscription sub = subscriptions.get(channel);
        if (sub == null) {
            reply(ref, channel, ErrorCode.FORBIDDEN, "presence needs a subscription to " + channel);
        } else if (!ctx.presence().tracked(sub.channel)) {
            reply(ref, channel, ErrorCode.BAD_REQUEST, "presence is off for namespace '" + sub.channel.namespace()
                    + "' (namespace setting presence: true turns it on)");
        } else {
            sub.whenSubscribed(() -> readPresence(sub.channel, ref));
        }
    }

    private void readPresence(ChannelName channel, String ref) {
        ctx.presence().entries(channel).whenComplete((clients, error) -> executor().execute(() -> {
            if (closed) {
                return;
            }
            if (error != null) {
                ctx.observer().presenceError();
                reply(ref, channel.name(), ErrorCode.UNAVAILABLE, "presence could not be read; try again");
            } else {
                connection.send(new PresenceReply(ref, channel.name(), clients));
            }
        }));
    }

    /** Once per subscription, when {@code subscribed} went out: the channel's presence and join message. */
    private void joinPresence(SessionSubscription sub) {
        if (!sub.occupying) {
            sub.occupying = true;
            ctx.events().subscribed(sub.channel);
        }
        if (sub.presence == null && ctx.presence().matters(sub.channel)) {
            sub.presence = new PresenceEntry(presenceClient, identity.user(), identity.info(),
                    System.currentTimeMillis() / 1000);
            presenceSink.joined(sub.channel, sub.presence);
        }
    }

    private void leftPresence(SessionSubscription sub, boolean connectionClosed) {
        if (sub.occupying) {
            sub.occupying = false;
            ctx.events().unsubscribed(sub.channel);
        }
        if (sub.presence != null) {
            presenceSink.left(sub.channel, sub.presence, connectionClosed);
            sub.presence = null;
        }
    }

    /** A new token for the same user and tenant extends the connection; anything else is refused, connection kept. */
    public void refresh(String token) {
        if (closed || heldForApp(() -> refresh(token))) {
            return;
        }
        ctx.authenticator().authenticate(token).whenComplete((fresh, error) -> executor().execute(() -> {
            if (closed) {
                return;
            }
            if (error != null) {
                Throwable cause = unwrap(error);
                AuthFailure failure = cause instanceof AuthenticationException a ? a.failure() : AuthFailure.INVALID;
                ctx.observer().authFailure(failure);
                reply(null, null, refusedRefresh(failure),
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
            tokenTimers.arm(fresh);
            connection.send(new Refreshed(fresh.expiresAt()));
        }));
    }

    /** The code a refused refresh is answered with; only {@code unavailable} is worth sending again. */
    private static ErrorCode refusedRefresh(AuthFailure failure) {
        return switch (failure) {
            case EXPIRED -> ErrorCode.TOKEN_EXPIRED;
            case REVOKED -> ErrorCode.REVOKED;
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            default -> ErrorCode.UNAUTHORIZED;
        };
    }

    /** The transport calls this once when the connection has ended, whatever the reason. */
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        ctx.directory().remove(this, identity); // a refresh keeps the user and tenant it was added with
        if (started) {
            ctx.events().disconnected(identity, connection.id(), connection.transport(), connection.closeReason());
        }
        tokenTimers.stop();
        if (lifetimeTimer != null) {
            lifetimeTimer.cancel(false);
        }
        for (SessionSubscription sub : subscriptions.values()) {
            sub.leave();
            leftPresence(sub, true);
        }
        subscriptions.clear();
        streamStart = null;
        held = null;
    }

    private void dropSubscriptionsNoLongerGranted() {
        List<SessionSubscription> revoked = new ArrayList<>();
        for (SessionSubscription sub : subscriptions.values()) {
            if (!identity.maySubscribe(sub.name()) && (appAllowed == null || !appAllowed.contains(sub.name()))) {
                revoked.add(sub);
            }
        }
        revoked.forEach(sub -> end(sub, UnsubscribeReason.REVOKED, null));
    }

    /** The channel's subscription whose {@code subscribed} has not gone out yet, or null. */
    private SessionSubscription unanswered(String channel) {
        SessionSubscription sub = subscriptions.get(channel);
        return sub == null || sub.answered() ? null : sub;
    }

    private void reply(String ref, String channel, ErrorCode code, String message) {
        connection.send(new ErrorReply(ref, channel, code, message));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ---------------------------------------------------------------- for SessionSubscription

    Hub hub() {
        return ctx.hub();
    }

    void send(ServerMessage message) {
        if (!closed) {
            connection.send(message);
        }
    }

    void sendGap(ChannelName channel) {
        if (!closed) {
            ctx.observer().gap();
            connection.send(new Gap(channel.name()));
        }
    }

    void replayed(int messages) {
        if (messages > 0) {
            ctx.observer().replayed(messages);
        }
    }

    void slowConsumer() {
        connection.close(DisconnectReason.SLOW_CONSUMER);
    }

    /** A subscription has its position: tell the client, and the stream once all of its channels have one. */
    void subscribed(SessionSubscription sub, Subscribed message) {
        if (closed || subscriptions.get(sub.name()) != sub) {
            return;
        }
        connection.send(message);
        joinPresence(sub);
        if (streamStart != null && streamStart.positioned(message.channel())) {
            connection.send(new Positioned());
            streamStart = null;
        }
    }
}

package io.rtgw.transport;

import io.rtgw.core.GatewayObserver;
import io.rtgw.core.SessionContext;
import io.rtgw.core.auth.Authenticator;
import io.rtgw.core.hooks.ConnectHook;
import java.util.Objects;

/** What every endpoint of the public listener shares. */
public record TransportContext(SessionContext sessions, TransportSettings settings, TokenSource tokens,
                               OriginPolicy origins, DrainState drain, AbuseLimits limits,
                               ConnectionLimits connectionLimits, ConnectRateLimiter connectRate,
                               ConnectionRegistry registry, LongPollLeases longPollLeases) {
    public TransportContext {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(connectionLimits, "connectionLimits");
        Objects.requireNonNull(connectRate, "connectRate");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(longPollLeases, "longPollLeases");
    }

    public static TransportContext of(SessionContext sessions, TransportSettings settings) {
        return of(sessions, settings, AbuseLimits.NONE);
    }

    public static TransportContext of(SessionContext sessions, TransportSettings settings, AbuseLimits limits) {
        ConnectionLimits connectionLimits = new ConnectionLimits(limits);
        LongPollLeases leases = new LongPollLeases(connectionLimits, settings.subscriptionLinger(),
                sessions.presence());
        sessions.directory().betweenRequests(leases); // long-poll clients between their polls
        TokenSource tokens = new TokenSource(settings.tokenCookie(), settings.queryToken(),
                sessions.hooks().connect() != null);
        return new TransportContext(sessions, settings, tokens,
                new OriginPolicy(settings.allowedOrigins()), new DrainState(), limits, connectionLimits,
                new ConnectRateLimiter(limits.connectRatePerIp()), new ConnectionRegistry(), leases);
    }

    public GatewayObserver observer() {
        return sessions.observer();
    }

    public Authenticator authenticator() {
        return sessions.authenticator();
    }

    /** The connect hook (docs/protocol.md §11), or null when connections without a token are refused. */
    public ConnectHook connectHook() {
        return sessions.hooks().connect();
    }
}

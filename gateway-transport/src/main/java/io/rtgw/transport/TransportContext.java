package io.rtgw.transport;

import io.rtgw.core.GatewayObserver;
import io.rtgw.core.SessionContext;
import io.rtgw.core.auth.Authenticator;
import java.util.Objects;

/** What every endpoint of the public listener shares. */
public record TransportContext(SessionContext sessions, TransportSettings settings, TokenSource tokens,
                               OriginPolicy origins, DrainState drain) {
    public TransportContext {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(drain, "drain");
    }

    public static TransportContext of(SessionContext sessions, TransportSettings settings) {
        return new TransportContext(sessions, settings, new TokenSource(settings.tokenCookie(), settings.queryToken()),
                new OriginPolicy(settings.allowedOrigins()), new DrainState());
    }

    public GatewayObserver observer() {
        return sessions.observer();
    }

    public Authenticator authenticator() {
        return sessions.authenticator();
    }
}

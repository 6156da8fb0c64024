package io.rtgw.core;

import io.rtgw.core.auth.Authenticator;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.events.ConnectionEvents;
import io.rtgw.core.hooks.Hooks;
import io.rtgw.core.presence.Presence;
import java.util.Objects;

/** The node-wide collaborators every session shares. */
public record SessionContext(Hub hub, Broker broker, Authenticator authenticator, GatewayObserver observer,
                             SessionSettings settings, SessionDirectory directory, Presence presence,
                             ConnectionEvents events, Hooks hooks) {
    public SessionContext {
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(directory, "directory");
    }

    /** A context without hooks (docs/protocol.md §11). */
    public SessionContext(Hub hub, Broker broker, Authenticator authenticator, GatewayObserver observer,
                          SessionSettings settings, SessionDirectory directory, Presence presence,
                          ConnectionEvents events) {
        this(hub, broker, authenticator, observer, settings, directory, presence, events, Hooks.NONE);
    }

    /** A context without connection events (docs/protocol.md §10). */
    public SessionContext(Hub hub, Broker broker, Authenticator authenticator, GatewayObserver observer,
                          SessionSettings settings, SessionDirectory directory, Presence presence) {
        this(hub, broker, authenticator, observer, settings, directory, presence, ConnectionEvents.OFF);
    }

    /** A context without presence (docs/protocol.md §9): no namespace tracked or announced. */
    public SessionContext(Hub hub, Broker broker, Authenticator authenticator, GatewayObserver observer,
                          SessionSettings settings, SessionDirectory directory) {
        this(hub, broker, authenticator, observer, settings, directory, Presence.OFF);
    }

    /** A context whose sessions are listed in a directory of their own (tests, tools). */
    public SessionContext(Hub hub, Broker broker, Authenticator authenticator, GatewayObserver observer,
                          SessionSettings settings) {
        this(hub, broker, authenticator, observer, settings, new SessionDirectory());
    }
}

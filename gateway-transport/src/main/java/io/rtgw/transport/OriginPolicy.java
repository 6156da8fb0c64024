package io.rtgw.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cross-site protection: with origins configured, a request whose {@code Origin} is present and
 * not listed is refused (this is what stops cross-site WebSocket hijacking with a victim's
 * cookie). Requests without {@code Origin} are same-origin navigations or non-browser clients.
 * Scheme and host compare case-insensitively (RFC 6454 serializes them in lower case, but a
 * hand-written client may not); the allow-list is given in lower case.
 * <p>Without an allow-list, the cookie (an ambient credential a browser attaches to any page's
 * request) is accepted only same-origin: see {@link #acceptsCookieToken}.
 */
public final class OriginPolicy {
    private final Set<String> allowed;

    public OriginPolicy(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public boolean permits(HttpRequest request) {
        if (allowed.isEmpty()) {
            return true;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin == null || listed(origin);
    }

    /**
     * Whether a token read from the cookie may be used (docs/protocol.md §3). With an allow-list,
     * {@link #permits} has already turned foreign origins away. Without one, a foreign page could
     * open a WebSocket or EventSource that carries the victim's cookie (cross-site WebSocket
     * hijacking), so the request's {@code Origin} must be absent or equal its own origin.
     */
    public boolean acceptsCookieToken(HttpRequest request, SocketAddress peer, Predicate<InetAddress> trustedProxy) {
        if (configured()) {
            return true;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return true;
        }
        WebOrigin own = WebOrigin.ofRequest(request, peer, trustedProxy);
        return own != null && own.equals(WebOrigin.parse(origin));
    }

    /** Whether an allow-list is configured (answers then depend on the Origin header). */
    public boolean configured() {
        return !allowed.isEmpty();
    }

    /** The origin to echo in CORS headers, or null when none should be sent. */
    public String corsOrigin(HttpRequest request) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        return origin != null && listed(origin) ? origin : null;
    }

    private boolean listed(String origin) {
        return allowed.contains(origin) || allowed.contains(origin.toLowerCase(Locale.ROOT));
    }
}

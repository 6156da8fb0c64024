package io.rtgw.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * An origin as RFC 6454 compares them: scheme, host and port, the default port filled in. Used to
 * tell whether a browser request comes from a page of the gateway's own origin, the only one that
 * may use the cookie token when no allow-list is configured (docs/protocol.md §3).
 */
record WebOrigin(String scheme, String host, int port) {
    /** The origin of an {@code Origin} header, or null for {@code null} and anything unparsable. */
    static WebOrigin parse(String origin) {
        try {
            URI uri = new URI(origin.trim());
            return of(uri.getScheme(), uri.getHost(), uri.getPort());
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The origin the client addressed: scheme and {@code Host} as the browser saw them. Behind a
     * trusted proxy that terminates TLS or rewrites the host, its {@code X-Forwarded-Proto} and
     * {@code X-Forwarded-Host} say what the browser used; from anyone else they are ignored (a
     * browser page cannot set them on a WebSocket or EventSource anyway). Null without a usable Host.
     */
    static WebOrigin ofRequest(HttpRequest request, SocketAddress peer, Predicate<InetAddress> trustedProxy) {
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        boolean proxied = address != null && trustedProxy.test(address);
        String scheme = "http"; // the public listener speaks plain HTTP; TLS ends at a proxy
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (proxied) {
            scheme = firstOr(request.headers().get("X-Forwarded-Proto"), scheme);
            host = firstOr(request.headers().get("X-Forwarded-Host"), host);
        }
        if (host == null || host.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(scheme + "://" + host.trim());
            return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? of(uri.getScheme(), uri.getHost(), uri.getPort()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The first of a comma-separated forwarded list: what the outermost proxy was asked. */
    private static String firstOr(String list, String fallback) {
        if (list == null) {
            return fallback;
        }
        String first = list.split(",", 2)[0].trim();
        return first.isEmpty() ? fallback : first;
    }

    private static WebOrigin of(String scheme, String host, int port) {
        if (scheme == null || host == null) {
            return null;
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        // a WebSocket-aware proxy may forward ws/wss; the page's origin is http/https
        s = switch (s) {
            case "ws" -> "http";
            case "wss" -> "https";
            default -> s;
        };
        int effectivePort = port >= 0 ? port : switch (s) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
        return new WebOrigin(s, host.toLowerCase(Locale.ROOT), effectivePort);
    }
}

package io.rtgw.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;

/**
 * Finds the token of a request in docs/protocol.md §3 order. The first source present decides: a bad
 * token there is refused, never passed over for a later source.
 */
public final class TokenSource {
    public static final String SUBPROTOCOL = "rtgw.v1";
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "rtgw.token.";

    /** Where a token came from; cookie tokens get the gentler SSE expiry answer. */
    public enum Kind { HEADER, COOKIE, SUBPROTOCOL, QUERY }

    public record Found(Kind kind, String token) {
    }

    private final String cookieName;
    private final boolean queryEnabled;
    /**
     * With a connect hook an {@code Authorization} that is not {@code Bearer …} is the app's own
     * credential (Basic, a session scheme): not a token, passed on to the hook (docs/protocol.md §11).
     */
    private final boolean bearerOnly;

    public TokenSource(String cookieName, boolean queryEnabled) {
        this(cookieName, queryEnabled, false);
    }

    public TokenSource(String cookieName, boolean queryEnabled, boolean bearerOnly) {
        this.cookieName = cookieName;
        this.queryEnabled = queryEnabled;
        this.bearerOnly = bearerOnly;
    }

    /** @return the token, or null when the request carries none (WebSocket then waits for an auth message) */
    public Found find(HttpRequest request, QueryStringDecoder query, boolean websocket) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            boolean bearer = authorization.regionMatches(true, 0, "Bearer ", 0, 7);
            if (bearer || !bearerOnly) {
                return new Found(Kind.HEADER, bearer ? authorization.substring(7).trim() : "");
            }
        }
        String cookieHeader = request.headers().get(HttpHeaderNames.COOKIE);
        if (cookieHeader != null) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                if (c.name().equals(cookieName)) {
                    return new Found(Kind.COOKIE, c.value());
                }
            }
        }
        if (websocket) {
            String protocols = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            if (protocols != null) {
                for (String p : protocols.split(",")) {
                    String trimmed = p.trim();
                    if (trimmed.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
                        return new Found(Kind.SUBPROTOCOL, trimmed.substring(TOKEN_SUBPROTOCOL_PREFIX.length()));
                    }
                }
            }
        }
        if (queryEnabled) {
            List<String> values = query.parameters().get("token");
            if (values != null && !values.isEmpty()) {
                return new Found(Kind.QUERY, values.get(0));
            }
        }
        return null;
    }
}

package io.rtgw.core.hooks;

import io.rtgw.core.Transport;
import java.util.Objects;

/**
 * The facts of a connection that carries no token, as the connect hook is given them
 * (docs/protocol.md §11): the request's own credentials, passed on untouched.
 *
 * @param transport     the transport asked for
 * @param cookie        the request's {@code Cookie} header, or null
 * @param authorization the request's {@code Authorization} header (not a bearer token), or null
 * @param address       the client's address as the gateway resolved it (trusted proxies respected), or null
 */
public record ConnectRequest(Transport transport, String cookie, String authorization, String address) {
    public ConnectRequest {
        Objects.requireNonNull(transport, "transport");
    }

    /** The transport's name in the hook's JSON: {@code websocket}, {@code sse} or {@code longpoll}. */
    public String transportName() {
        return switch (transport) {
            case WEBSOCKET -> "websocket";
            case SSE -> "sse";
            case LONG_POLL -> "longpoll";
        };
    }
}

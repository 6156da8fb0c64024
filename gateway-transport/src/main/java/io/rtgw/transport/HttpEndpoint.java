package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.DisconnectReason;

/**
 * One path of a listener. The router has already checked the method and Origin; the request is
 * released by the router after {@link #handle} returns, so an endpoint retains what it keeps.
 */
public interface HttpEndpoint {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query);

    /** Whether requests here open a session (and so count against the per-address connect rate). */
    default boolean opensSession() {
        return false;
    }

    /**
     * Whether browsers on allowed origins may call this path with {@code fetch} (SSE polyfills,
     * long-poll loops): then a CORS preflight is answered. WebSocket needs none.
     */
    default boolean crossOrigin() {
        return false;
    }

    /**
     * Turns a new session away in the transport's way; by default an HTTP error. Streaming
     * endpoints override it so that clients see a reason they can act on (a close code, an SSE
     * {@code rtgw.close} with a retry) instead of a status a browser cannot read.
     */
    default void refuse(ChannelHandlerContext ctx, FullHttpRequest request, DisconnectReason reason) {
        HttpResponses.error(ctx, request, reason == DisconnectReason.RATE_LIMITED
                ? HttpResponseStatus.TOO_MANY_REQUESTS : HttpResponseStatus.SERVICE_UNAVAILABLE, reason.reason(),
                "try again later");
    }
}

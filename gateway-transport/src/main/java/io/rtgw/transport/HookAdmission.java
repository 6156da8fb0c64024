package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.rtgw.core.Transport;
import io.rtgw.core.hooks.ConnectRequest;
import java.net.InetAddress;

/**
 * What a request without a token tells the connect hook (docs/protocol.md §11), and whether it may
 * be asked at all: a {@code Cookie} is an ambient credential like a cookie token, so a request
 * carrying one from a foreign page is refused as {@code origin} before the app is asked.
 */
final class HookAdmission {
    private HookAdmission() {
    }

    /** Read while the request is still held: it is released once the endpoint returns. */
    static ConnectRequest facts(ChannelHandlerContext ctx, HttpRequest request, Transport transport,
                                TransportContext context) {
        InetAddress address = ClientAddress.of(ctx.channel().remoteAddress(), request, context.limits().trustedProxy());
        return new ConnectRequest(transport, request.headers().get(HttpHeaderNames.COOKIE),
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                address == null ? null : address.getHostAddress());
    }

    /** False when the request's cookies came with a foreign page's request (the cookie-token rule of docs/protocol.md §3). */
    static boolean originAccepted(ChannelHandlerContext ctx, HttpRequest request, TransportContext context) {
        return !request.headers().contains(HttpHeaderNames.COOKIE) || context.origins()
                .acceptsCookieToken(request, ctx.channel().remoteAddress(), context.limits().trustedProxy());
    }
}

package io.rtgw.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Adds the CORS answer headers to every HTTP response of the public listener whose request came
 * from an allowed origin — 200 streams and polls, but also 401/403/400, which a page's
 * {@code fetch} loop must be able to read to react (renew a token, stop).
 *
 * <p>One place for all endpoints, so no answer path can forget them. Sits between the HTTP codec
 * and the aggregator: it sees each request head before the router and each response head after
 * the endpoint. A WebSocket upgrade does not need it, so it leaves the pipeline at the 101.
 */
final class CorsHeaders extends ChannelDuplexHandler {
    private final OriginPolicy origins;
    /** The origin to answer for the request in flight (keep-alive requests come one at a time). */
    private String origin;

    CorsHeaders(OriginPolicy origins) {
        this.origins = origins;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            origin = origins.corsOrigin(request);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (origin != null) {
                response.headers()
                        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
            if (origins.configured()) {
                // The answer depends on Origin: shared caches must not serve one origin's to another.
                response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            }
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                ctx.pipeline().remove(this);
            }
        }
        ctx.write(msg, promise);
    }
}

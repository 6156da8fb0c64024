package io.rtgw.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rtgw.transport.NetworkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes admin requests by path and method: unknown paths 404, a method the path does not take
 * 405 with {@code Allow}, failures 500 with a JSON body. Server-API calls are counted by endpoint
 * and status.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String API = "/api/";
    private final AdminRoutes routes;
    private final ApiRequestCounter counter;

    AdminHandler(AdminRoutes routes, ApiRequestCounter counter) {
        this.routes = routes;
        this.counter = counter;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed HTTP request"), null);
            return;
        }
        AdminRequest req = AdminRequest.of(request);
        AdminRoutes.Target target = routes.find(req.path());
        String endpoint = target != null ? target.endpoint() : req.path().startsWith(API) ? "other" : null;
        if (target == null) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such path: " + req.path()), endpoint);
            return;
        }
        AdminRoute route = target.byMethod().get(req.method());
        if (route == null) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request",
                    req.method() + " is not allowed on " + req.path() + "; use " + target.allowed())
                    .withHeader(HttpHeaderNames.ALLOW.toString(), target.allowed()), endpoint);
            return;
        }
        route.handle(req).whenComplete((response, error) -> ctx.executor().execute(() -> {
            AdminResponse out = response;
            if (error != null) {
                NetworkLog.failed(log, "admin " + req.path() + " failed", error);
                out = AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error");
            }
            answer(ctx, version, keepAlive, out, endpoint);
        }));
    }

    private void answer(ChannelHandlerContext ctx, HttpVersion version, boolean requestKeepAlive, AdminResponse response,
                        String endpoint) {
        if (endpoint != null) {
            counter.count(endpoint, response.status().code());
        }
        FullHttpResponse out = new DefaultFullHttpResponse(version, response.status(),
                Unpooled.wrappedBuffer(response.body()));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().forEach(out.headers()::set);
        HttpUtil.setContentLength(out, response.body().length);
        boolean keepAlive = requestKeepAlive && response.status().code() < 500;
        HttpUtil.setKeepAlive(out, keepAlive);
        var written = ctx.writeAndFlush(out);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NetworkLog.failed(log, "admin request failed", cause);
        ctx.close();
    }
}

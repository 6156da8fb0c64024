package io.rtgw.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rtgw.transport.HttpResponses;
import io.rtgw.transport.NetworkLog;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes admin requests by path: unknown paths 404, wrong methods 405, failures 500 with a JSON body. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private final Map<String, AdminRoute> routes;

    AdminHandler(Map<String, AdminRoute> routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed HTTP request"));
            return;
        }
        AdminRequest req = AdminRequest.of(request);
        AdminRoute route = routes.get(req.path());
        if (route == null) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such path: " + req.path()));
            return;
        }
        if (!route.method().equals(req.method())) {
            answer(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request",
                    req.method() + " is not allowed on " + req.path() + "; use " + route.method()));
            return;
        }
        route.handle(req).whenComplete((response, error) -> ctx.executor().execute(() -> {
            AdminResponse out = response;
            if (error != null) {
                NetworkLog.failed(log, "admin " + req.path() + " failed", error);
                out = AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error");
            }
            answer(ctx, version, keepAlive, out);
        }));
    }

    private static void answer(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, AdminResponse response) {
        HttpResponses.send(ctx, version, keepAlive, response.status(), response.contentType(),
                Unpooled.wrappedBuffer(response.body()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NetworkLog.failed(log, "admin request failed", cause);
        ctx.close();
    }
}

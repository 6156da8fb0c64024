package io.rtgw.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Aggregates admin request bodies up to the limit, and answers a larger one 413 with the error
 * shape of every other answer ({@code too_large}), so callers and generated clients can read it.
 * As with Netty's own answer, a keep-alive connection stays open and the rest of the body is dropped.
 */
final class JsonTooLarge extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final AdminRoutes routes;
    private final ApiRequestCounter counter;

    JsonTooLarge(int maxBodyBytes, AdminRoutes routes, ApiRequestCounter counter) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.routes = routes;
        this.counter = counter;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest request)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        AdminRoutes.Target target = routes.find(path);
        if (target != null && target.endpoint() != null) {
            counter.count(target.endpoint(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
        }
        byte[] body = AdminResponse.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
                "the body is larger than " + maxBodyBytes + " bytes (RTGW_MAX_MESSAGE)").body();
        FullHttpResponse out = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, AdminResponse.JSON);
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(out, body.length);
        // As Netty's own answer: keep a keep-alive connection and let the aggregator drop the rest
        // of the body, so the client reads the answer instead of a reset from unread bytes.
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        HttpUtil.setKeepAlive(out, !close);
        ctx.writeAndFlush(out).addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}

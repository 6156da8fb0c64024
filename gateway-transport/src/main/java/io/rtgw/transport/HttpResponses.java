package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Complete HTTP answers, honouring keep-alive. */
public final class HttpResponses {
    private HttpResponses() {
    }

    /** {@code {"error":code,"message":message}} with the given status. */
    public static void error(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                             String code, String message) {
        send(ctx, request, status, "application/json", errorBody(code, message));
    }

    /** The same, for answers completed after the request was released. */
    public static void error(ChannelHandlerContext ctx, HttpVersion version, boolean requestKeepAlive,
                             HttpResponseStatus status, String code, String message) {
        send(ctx, version, requestKeepAlive, status, "application/json", errorBody(code, message));
    }

    private static ByteBuf errorBody(String code, String message) {
        return Unpooled.wrappedBuffer(("{\"error\":" + quote(code) + ",\"message\":" + quote(message) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                            String contentType, ByteBuf body) {
        send(ctx, request == null ? HttpVersion.HTTP_1_1 : request.protocolVersion(),
                request != null && HttpUtil.isKeepAlive(request), status, contentType, body);
    }

    /** For answers completed after the request's buffer was released. */
    public static void send(ChannelHandlerContext ctx, HttpVersion version, boolean requestKeepAlive,
                            HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(response, body.readableBytes());
        boolean keepAlive = requestKeepAlive && status.code() < 500;
        HttpUtil.setKeepAlive(response, keepAlive);
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * What answering a request later needs of it (its version and keep-alive), without its
     * headers or body: endpoints that answer asynchronously keep this instead of the request.
     */
    public static HttpRequest head(HttpRequest request) {
        HttpRequest head = new DefaultHttpRequest(request.protocolVersion(), request.method(), "/");
        HttpUtil.setKeepAlive(head, HttpUtil.isKeepAlive(request));
        return head;
    }

    /** A JSON string literal; used only for short server-made texts. */
    public static String quote(String s) {
        try {
            return WireJson.MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

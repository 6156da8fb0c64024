package io.rtgw.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.transport.HttpEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JavaScript client (clients/js, copied into the jar under {@code rtgw/} by the build), served on
 * the public listener in every mode: {@code /rtgw.js} and {@code /rtgw.d.ts}. Any origin may load
 * it ({@code Access-Control-Allow-Origin: *}): a page on the app's own origin imports it as a module
 * script, which browsers fetch in CORS mode. It holds no secrets.
 */
final class ClientFiles {
    private ClientFiles() {
    }

    static Map<String, HttpEndpoint> routes() {
        Map<String, HttpEndpoint> routes = new LinkedHashMap<>();
        routes.put("/rtgw.js", file("rtgw/rtgw.js", "application/javascript; charset=utf-8"));
        routes.put("/rtgw.d.ts", file("rtgw/rtgw.d.ts", "text/plain; charset=utf-8"));
        return routes;
    }

    private static HttpEndpoint file(String resource, String contentType) {
        byte[] body = read(resource);
        return (ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) -> {
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=300")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .set("X-Content-Type-Options", "nosniff");
            HttpUtil.setContentLength(response, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        };
    }

    private static byte[] read(String name) {
        try (InputStream in = ClientFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " (the build copies clients/js into the jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

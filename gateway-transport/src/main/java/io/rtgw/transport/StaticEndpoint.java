package io.rtgw.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/** A fixed document (the demo page, the JS client). */
public final class StaticEndpoint implements HttpEndpoint {
    private final String contentType;
    private final byte[] body;

    public StaticEndpoint(String contentType, byte[] body) {
        this.contentType = contentType;
        this.body = body.clone();
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        HttpResponses.send(ctx, request, HttpResponseStatus.OK, contentType, Unpooled.wrappedBuffer(body));
    }
}

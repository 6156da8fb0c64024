package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * One path of a listener. The router has already checked the method and Origin; the request is
 * released by the router after {@link #handle} returns, so an endpoint retains what it keeps.
 */
public interface HttpEndpoint {
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query);
}

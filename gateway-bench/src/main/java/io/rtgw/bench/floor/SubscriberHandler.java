package io.rtgw.bench.floor;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * A subscriber connection after Netty's handshake: the path after {@code /sub/} names its one
 * channel. Frames it sends are dropped (pings and closes are answered by the protocol handler).
 */
final class SubscriberHandler extends SimpleChannelInboundHandler<Object> {
    /** Netty matches a prefix only when '/' or '?' follows it, so the path is given without its slash. */
    static final String PATH = "/sub";
    private final Subscribers subscribers;
    private String channel;
    private Subscriber subscriber;

    SubscriberHandler(Subscribers subscribers) {
        this.subscribers = subscribers;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
            String uri = hs.requestUri();
            int query = uri.indexOf('?');
            channel = uri.substring(PATH.length() + 1, query < 0 ? uri.length() : query);
            subscriber = subscribers.add(channel, ctx.channel());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest req) { // not under /sub/: nothing else is served
            DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NOT_FOUND);
            HttpUtil.setContentLength(notFound, 0);
            ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (subscriber != null) {
            subscribers.remove(channel, subscriber);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

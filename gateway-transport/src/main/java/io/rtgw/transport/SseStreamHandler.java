package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;

/**
 * Replaces the router once a connection carries an SSE stream: the response never ends by itself,
 * so further requests on it are discarded, and the end of the channel ends the session.
 */
final class SseStreamHandler extends ChannelInboundHandlerAdapter {
    private final SseConnection connection;
    private ClientSession session;

    SseStreamHandler(SseConnection connection) {
        this.connection = connection;
    }

    SseConnection connection() {
        return connection;
    }

    void attach(ClientSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.closed();
        }
        connection.ended(DisconnectReason.NORMAL);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // the peer went away, or the codec failed: either way the stream is over
    }
}

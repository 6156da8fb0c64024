package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.Transport;
import java.util.concurrent.TimeUnit;

/** A WebSocket as a {@link io.rtgw.core.Connection}: JSON text frames, close codes of docs/protocol.md §4.2. */
final class WebSocketConnection extends ChannelConnection {
    private static final long CLOSE_REPLY_WAIT_MILLIS = 1000;
    private final long heartbeatSeconds;
    private ChannelHandlerContext frameEncoder;

    WebSocketConnection(Channel channel, TransportContext context) {
        super(channel, context);
        this.heartbeatSeconds = context.settings().heartbeat().toSeconds();
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Override
    protected Object encode(ServerMessage message) {
        if (message instanceof Publication p) {
            ChannelHandlerContext encoder = frameEncoder();
            if (encoder != null) {
                return SharedWebSocketFrames.frameOf(p, encoder);
            }
            return new TextWebSocketFrame(Unpooled.wrappedBuffer(p.encoded(MessageItemEncoder.INSTANCE)));
        }
        return new TextWebSocketFrame(WireJson.control(channel.alloc(), message, heartbeatSeconds));
    }

    /** A shared frame is framed already: it goes in below the frame encoder, straight to the socket. */
    @Override
    protected ChannelOutboundInvoker outboundFor(Object frame) {
        return frame instanceof ByteBuf && frameEncoder != null ? frameEncoder : channel;
    }

    /** Nothing above the frame encoder holds writes back, so a flush may start below it too. */
    @Override
    protected ChannelOutboundInvoker flushFrom() {
        return frameEncoder != null ? frameEncoder : channel;
    }

    /** Null until the upgrade installed the encoder (and in unit tests without one). */
    private ChannelHandlerContext frameEncoder() {
        if (frameEncoder == null) {
            frameEncoder = channel.pipeline().context(WebSocketFrameEncoder.class);
        }
        return frameEncoder;
    }

    @Override
    protected void sendClose(DisconnectReason reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(reason.closeCode(), reason.reason()));
        // The peer should answer with its own close frame; don't wait for it for long.
        unlessClosedBefore(CLOSE_REPLY_WAIT_MILLIS, TimeUnit.MILLISECONDS, channel::close);
    }

    /**
     * The peer started the closing handshake: answer it and end. The answer is always 1000: echoing
     * the peer's code (RFC 6455 only says "should") would send codes no client of ours expects,
     * even invalid ones such as 34073 (found by the fuzzer).
     */
    void closedByPeer(CloseWebSocketFrame frame) {
        if (closeReason() != null) {
            channel.close(); // our close was answered
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }

    /** A ping frame of the JSON protocol; browsers cannot see protocol pings, scripts see this. */
    void ping() {
        write(new TextWebSocketFrame(Unpooled.wrappedBuffer(PING)));
        write(new io.netty.handler.codec.http.websocketx.PingWebSocketFrame());
    }

    private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
}

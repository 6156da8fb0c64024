package io.rtgw.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rtgw.bench.Payload;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket subscriber. rtgw dialect: token in the Authorization header (or the subprotocol), or
 * a session cookie for the gateway's connect hook, then {@code subscribe {channel, since?}}; ready at {@code subscribed}. Plain dialect: the URL
 * names the channel, every text frame is a payload; with Nchan the ws+meta.nchan subprotocol puts
 * an {@code id:} header in front of each message, and {@code Last-Event-ID} resumes.
 */
final class WsClient extends Client {
    private static final byte[] TYPE_MESSAGE = bytes("\"type\":\"message\"");
    private static final byte[] TYPE_SUBSCRIBED = bytes("\"type\":\"subscribed\"");
    private static final byte[] TYPE_GAP = bytes("\"type\":\"gap\"");
    private static final byte[] TYPE_PING = bytes("\"type\":\"ping\"");
    private static final byte[] TYPE_ERROR = bytes("\"type\":\"error\"");

    WsClient(int index, int channel, Spec spec, Stats stats, Net net, Lifecycle lifecycle) {
        super(index, channel, spec, stats, net, lifecycle);
    }

    @Override
    String transport() {
        return "ws";
    }

    @Override
    void open() {
        URI uri = spec.uri(spec.wsUrl, index, channel);
        HttpHeaders headers = new DefaultHttpHeaders();
        String subprotocol = null;
        if (spec.rtgw()) {
            subprotocol = "rtgw.v1";
            if (spec.token(index) != null && spec.tokenInSubprotocol) {
                subprotocol += ",rtgw.token." + spec.token(index);
            } else {
                spec.credentials(index, headers);
            }
        } else {
            spec.credentials(index, headers);
            if (spec.nchan()) {
                subprotocol = "ws+meta.nchan";
            }
            if (resumeId != null) {
                headers.set("Last-Event-ID", resumeId);
            }
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri).subprotocol(subprotocol).customHeaders(headers)
                .maxFramePayloadLength(1 << 20).handshakeTimeoutMillis(60_000)
                .handleCloseFrames(false).dropPongFrames(true).build();
        Bootstrap b = net.bootstrap(loop).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), new Frames());
            }
        });
        ch = b.connect(remote(uri), net.source(index)).addListener(f -> {
            if (!f.isSuccess()) {
                failed("connect: " + f.cause());
            }
        }).channel();
    }

    private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                if (spec.rtgw()) {
                    String since = resumeId == null ? "" : ",\"since\":\"" + resumeId + "\"";
                    ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribe\",\"channel\":\""
                            + spec.channelName(channel) + "\"" + since + "}"));
                } else {
                    ready();
                }
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failed("handshake timeout");
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                int n = frame.content().readableBytes();
                byte[] b = Scratch.copy(frame.content());
                if (spec.rtgw()) {
                    rtgwFrame(ctx, b, n);
                } else {
                    plainFrame(b, n);
                }
            } else if (frame instanceof CloseWebSocketFrame close) {
                inactive("ws " + close.statusCode());
                ctx.close();
            }
        }

        private void rtgwFrame(ChannelHandlerContext ctx, byte[] b, int n) {
            int head = Math.min(n, 24); // the type is the first field of every frame
            if (Payload.contains(b, 0, head, TYPE_MESSAGE)) {
                if (payload(b, 0, n)) {
                    resumeId = Payload.stringField(b, 0, n, "id");
                }
            } else if (Payload.contains(b, 0, head, TYPE_PING)) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"pong\"}"));
            } else if (Payload.contains(b, 0, head + 4, TYPE_SUBSCRIBED)) {
                if (resumeId == null) {
                    resumeId = Payload.stringField(b, 0, n, "position");
                }
                ready();
            } else if (Payload.contains(b, 0, head, TYPE_GAP)) {
                stats.gapNotices.increment();
            } else if (Payload.contains(b, 0, head, TYPE_ERROR)) {
                stats.errors.increment();
                failed(new String(b, 0, n, StandardCharsets.UTF_8));
            }
        }

        /** Nchan's ws+meta.nchan: "id: …\ncontent-type: …\n\n<body>"; other servers: the body. */
        private void plainFrame(byte[] b, int n) {
            int body = 0;
            if (spec.nchan() && n > 4 && b[0] == 'i' && b[1] == 'd' && b[2] == ':') {
                int eol = 3;
                while (eol < n && b[eol] != '\n') {
                    eol++;
                }
                String id = new String(b, 3, eol - 3, StandardCharsets.US_ASCII).trim();
                for (int i = eol; i + 1 < n; i++) {
                    if (b[i] == '\n' && b[i + 1] == '\n') {
                        body = i + 2;
                        break;
                    }
                }
                if (payload(b, body, n)) {
                    resumeId = id;
                }
                return;
            }
            payload(b, body, n);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            inactive("closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause.toString());
            ctx.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

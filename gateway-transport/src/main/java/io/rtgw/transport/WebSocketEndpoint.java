package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * {@code GET /ws}: completes the upgrade, then authenticates. A bad token is answered after the
 * upgrade with a close code (4401, or 4001 when expired), because browsers cannot read the status
 * of a refused handshake.
 */
final class WebSocketEndpoint implements HttpEndpoint {
    private final TransportContext context;
    private final WebSocketDecoderConfig decoderConfig;

    WebSocketEndpoint(TransportContext context) {
        this.context = context;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(context.settings().maxMessageBytes())
                .closeOnProtocolViolation(false)
                .allowExtensions(false)
                .build();
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        TokenSource.Found token = context.tokens().find(request, query, true);
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + query.path();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, TokenSource.SUBPROTOCOL, decoderConfig).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        WebSocketSessionHandler session = new WebSocketSessionHandler(context);
        // Installed before the handshake so that no frame can arrive ahead of its handler.
        ctx.pipeline().addAfter(ctx.name(), "ws-aggregator",
                new WebSocketFrameAggregator(context.settings().maxMessageBytes()));
        ctx.pipeline().addAfter("ws-aggregator", "ws-session", session);
        ctx.pipeline().remove(ctx.handler());
        ChannelHandlerContext sessionCtx = ctx.pipeline().context(session);
        handshaker.handshake(ctx.channel(), request).addListener(f -> {
            if (f.isSuccess()) {
                session.upgraded(sessionCtx, token);
            } else {
                ctx.channel().close();
            }
        });
    }
}

package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Transport;
import io.rtgw.core.hooks.ConnectRequest;
import io.rtgw.core.auth.AuthFailure;
import java.util.function.Consumer;

/**
 * {@code GET /ws}: completes the upgrade, then authenticates. A bad token is answered after the
 * upgrade with a close code (4401, or 4001 when expired), because browsers cannot read the status
 * of a refused handshake. A cookie token from a foreign page is refused the same way (4403).
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
                .withUTF8Validator(true)
                .build();
    }

    @Override
    public boolean opensSession() {
        return true;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        TokenSource.Found token = context.tokens().find(request, query, true);
        if (token != null && token.kind() == TokenSource.Kind.COOKIE && !context.origins()
                .acceptsCookieToken(request, ctx.channel().remoteAddress(), context.limits().trustedProxy())) {
            context.observer().authFailure(AuthFailure.ORIGIN);
            upgrade(ctx, request, query, session -> session.refused(DisconnectReason.FORBIDDEN));
            return;
        }
        if (token == null && context.connectHook() != null) {
            // no token: the app is asked at once (a browser sends its cookies with the upgrade)
            if (!HookAdmission.originAccepted(ctx, request, context)) {
                context.observer().authFailure(AuthFailure.ORIGIN);
                upgrade(ctx, request, query, session -> session.refused(DisconnectReason.FORBIDDEN));
                return;
            }
            ConnectRequest facts = HookAdmission.facts(ctx, request, Transport.WEBSOCKET, context);
            upgrade(ctx, request, query, session -> session.upgraded(facts));
            return;
        }
        upgrade(ctx, request, query, session -> session.upgraded(token));
    }

    /** Completes the upgrade so the browser can read why it is turned away, then closes. */
    @Override
    public void refuse(ChannelHandlerContext ctx, FullHttpRequest request, DisconnectReason reason) {
        upgrade(ctx, request, new QueryStringDecoder(request.uri()), session -> session.refused(reason));
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query,
                         Consumer<WebSocketSessionHandler> then) {
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
        if (decoderConfig.withUTF8Validator()) {
            // Only Netty's protocol handler installs it by itself; without it invalid UTF-8 would be
            // decoded to U+FFFD and fanned out, where RFC 6455 (docs/protocol.md §4) wants 1007.
            // Ahead of the aggregator, so a fragmented text is checked across its fragments.
            ctx.pipeline().addBefore("ws-aggregator", "ws-utf8", new Utf8FrameValidator(false));
        }
        ctx.pipeline().addAfter("ws-aggregator", "ws-session", session);
        ctx.pipeline().remove(ctx.handler());
        handshaker.handshake(ctx.channel(), request).addListener(f -> {
            if (f.isSuccess()) {
                then.accept(session);
            } else {
                ctx.channel().close();
            }
        });
    }
}

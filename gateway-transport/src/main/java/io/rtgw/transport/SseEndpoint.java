package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.util.List;

/**
 * {@code GET /sse}: checks the request, the token and the grants, then turns the connection into
 * an event stream. Refusals follow PROTOCOL §3/§4: what the client should retry (draining, an
 * expired cookie token) is a 200 stream with a jittered {@code retry:} and {@code rtgw.close},
 * because EventSource gives up for good on any other status; 400/401/403 are for what must not
 * be retried.
 */
final class SseEndpoint implements HttpEndpoint {
    private final TransportContext context;

    SseEndpoint(TransportContext context) {
        this.context = context;
    }

    @Override
    public boolean opensSession() {
        return true;
    }

    @Override
    public boolean crossOrigin() {
        return true;
    }

    /** Limits and restarts are retried: a 200 stream that says why, never a status EventSource gives up on. */
    @Override
    public void refuse(ChannelHandlerContext ctx, FullHttpRequest request, DisconnectReason reason) {
        refuseWithRetry(ctx, request.protocolVersion(), context.origins().corsOrigin(request), reason);
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "use GET");
            return;
        }
        StreamRequest wanted;
        try {
            wanted = StreamRequest.parse(request, query, true);
        } catch (StreamRequest.Invalid e) {
            HttpResponses.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
            return;
        }
        HttpVersion version = request.protocolVersion();
        String cors = context.origins().corsOrigin(request);
        if (context.drain().draining()) {
            refuseWithRetry(ctx, version, cors, DisconnectReason.SHUTDOWN);
            return;
        }
        TokenSource.Found token = context.tokens().find(request, query, false);
        if (token == null) {
            context.observer().authFailure(AuthFailure.MISSING);
            HttpResponses.error(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorized", "no token");
            return;
        }
        HttpRequest head = HttpResponses.head(request); // the request itself is released after this returns
        context.authenticator().authenticate(token.token()).whenComplete((identity, error) ->
                ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    if (error != null) {
                        refuse(ctx, head, cors, token.kind(), AuthFailures.of(error));
                    } else {
                        authorized(ctx, head, cors, wanted, identity);
                    }
                }));
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest head, String cors, TokenSource.Kind kind,
                        AuthenticationException refusal) {
        context.observer().authFailure(refusal.failure());
        boolean expired = refusal.failure() == AuthFailure.EXPIRED;
        if (expired && kind == TokenSource.Kind.COOKIE) {
            // The page can renew its cookie; a 401 would stop EventSource for good.
            startStream(ctx, head.protocolVersion(), cors).connection().refuseStaleCookie();
        } else {
            HttpResponses.error(ctx, head, HttpResponseStatus.UNAUTHORIZED, expired ? "token_expired" : "unauthorized",
                    refusal.getMessage());
        }
    }

    private void authorized(ChannelHandlerContext ctx, HttpRequest head, String cors, StreamRequest wanted,
                            ClientIdentity identity) {
        String forbidden = wanted.forbiddenChannel(identity);
        if (forbidden != null) {
            context.observer().authFailure(AuthFailure.FORBIDDEN);
            HttpResponses.error(ctx, head, HttpResponseStatus.FORBIDDEN, "forbidden",
                    "not allowed to subscribe to " + forbidden);
            return;
        }
        List<String> channels = wanted.streamChannels(identity, context.sessions().settings());
        if (channels.isEmpty()) {
            HttpResponses.error(ctx, head, HttpResponseStatus.BAD_REQUEST, "bad_request", "name at least one channel");
            return;
        }
        SseStreamHandler stream = startStream(ctx, head.protocolVersion(), cors);
        SseConnection connection = stream.connection();
        if (!connection.admit(identity)) {
            connection.close(DisconnectReason.LIMIT_REACHED);
            return;
        }
        ClientSession session = new ClientSession(connection, identity, context.sessions());
        stream.attach(session);
        connection.expect(new Cursor(channels));
        StreamSessions.start(session, channels, StreamSessions.sinceByChannel(channels, wanted.cursor()));
    }

    private void refuseWithRetry(ChannelHandlerContext ctx, HttpVersion version, String cors, DisconnectReason reason) {
        startStream(ctx, version, cors).connection().close(reason);
    }

    /** Answers 200 with the stream head; from here on the connection belongs to the stream. */
    private SseStreamHandler startStream(ChannelHandlerContext ctx, HttpVersion version, String cors) {
        SseConnection connection = new SseConnection(ctx.channel(), context, version);
        SseStreamHandler stream = new SseStreamHandler(connection);
        ctx.pipeline().replace(ctx.handler(), "sse", stream);
        connection.open(cors);
        return stream;
    }
}

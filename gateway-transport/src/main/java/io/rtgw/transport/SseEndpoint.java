package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
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
 * an event stream. Refusals follow docs/protocol.md §3/§4: what the client should retry (draining, an
 * expired cookie token) is a 200 stream with a jittered {@code retry:} and {@code rtgw.close},
 * because EventSource gives up for good on any other status; 400/401/403 are for what must not
 * be retried.
 */
final class SseEndpoint implements HttpEndpoint {
    private final TransportContext context;

    private final StreamAdmission admission;

    SseEndpoint(TransportContext context) {
        this.context = context;
        this.admission = new StreamAdmission(context, io.rtgw.core.Transport.SSE);
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
        StreamRequest wanted = admission.read(ctx, request, query, true);
        if (wanted == null) {
            return;
        }
        String cors = context.origins().corsOrigin(request);
        if (context.drain().draining()) {
            refuseWithRetry(ctx, request.protocolVersion(), cors, DisconnectReason.SHUTDOWN);
            return;
        }
        admission.authenticate(ctx, request, query, HttpResponses.head(request), wanted,
                (head, kind, refusal) -> refuse(ctx, head, cors, kind, refusal),
                (head, identity, channels) -> start(ctx, head, cors, wanted, identity, channels));
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest head, String cors, TokenSource.Kind kind,
                        AuthenticationException refusal) {
        if (refusal.failure() == AuthFailure.EXPIRED && kind == TokenSource.Kind.COOKIE) {
            // The page can renew its cookie; a 401 would stop EventSource for good.
            startStream(ctx, head.protocolVersion(), cors).connection().refuseStaleCookie();
        } else if (refusal.failure() == AuthFailure.UNAVAILABLE) {
            // The node has not loaded its revocations yet: come back soon (a 503 would stop EventSource).
            refuseWithRetry(ctx, head.protocolVersion(), cors, DisconnectReason.UNAVAILABLE);
        } else {
            StreamAdmission.unauthorized(ctx, head, refusal);
        }
    }

    private void start(ChannelHandlerContext ctx, HttpRequest head, String cors, StreamRequest wanted,
                       ClientIdentity identity, List<String> channels) {
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
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.replace(ctx.handler(), "sse", stream);
        dropRequestHandling(pipeline);
        connection.open(cors);
        if (pipeline.get(CorsHeaders.class) != null) {
            pipeline.remove(CorsHeaders.class); // it only adds headers to response heads: the stream's is written
        }
        return stream;
    }

    /**
     * A stream never reads another request, so the request decoder (with its parser buffers) and
     * the aggregator would sit idle for the stream's whole life, ~1 KiB per stream; only the
     * response encoder stays. Whatever the client still sends reaches {@link SseStreamHandler} as
     * raw bytes and is discarded, as before. Done before the head is written so the new encoder
     * starts with it.
     */
    private static void dropRequestHandling(ChannelPipeline pipeline) {
        if (pipeline.get(HttpObjectAggregator.class) != null) {
            pipeline.remove(HttpObjectAggregator.class);
        }
        ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
        if (codec != null) {
            pipeline.replace(codec.name(), codec.name(), new HttpResponseEncoder());
        }
    }
}

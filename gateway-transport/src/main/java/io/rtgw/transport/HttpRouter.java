package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.auth.AuthFailure;
import java.net.InetAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the endpoint of its path: malformed requests get 400 (or 431 for headers
 * over the limit), unknown paths 404, other methods than GET 405 (OPTIONS is a CORS preflight
 * where the endpoint allows cross-origin calls), foreign origins 403.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    private final Map<String, HttpEndpoint> endpoints;
    private final TransportContext context;

    HttpRouter(Map<String, HttpEndpoint> endpoints, TransportContext context) {
        this.endpoints = endpoints;
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            boolean headersTooBig = cause instanceof TooLongFrameException;
            HttpResponses.error(ctx, null, headersTooBig ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, "bad_request", headersTooBig
                    ? "request headers are too large" : "malformed HTTP request");
            return;
        }
        QueryStringDecoder query = decodedOrNull(request.uri());
        if (query == null) {
            HttpResponses.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed percent-encoding in the request target");
            return;
        }
        HttpEndpoint endpoint = endpoints.get(query.path());
        if (endpoint == null) {
            HttpResponses.error(ctx, request, HttpResponseStatus.NOT_FOUND, "not_found", "no such path: " + query.path());
            return;
        }
        DisconnectReason socketRefused = ctx.channel().attr(SocketAdmission.REFUSAL).get();
        if (socketRefused != null) {
            // the socket itself was over max_connections or its address's connect rate
            endpoint.refuse(ctx, request, socketRefused);
            return;
        }
        if (HttpMethod.OPTIONS.equals(request.method()) && endpoint.crossOrigin()) {
            preflight(ctx, request);
            return;
        }
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request",
                    request.method() + " is not allowed here; use GET");
            return;
        }
        if (!context.origins().permits(request)) {
            context.observer().authFailure(AuthFailure.ORIGIN);
            HttpResponses.error(ctx, request, HttpResponseStatus.FORBIDDEN, "forbidden", "origin not allowed");
            return;
        }
        if (endpoint.opensSession()) {
            InetAddress client = ClientAddress.of(ctx.channel().remoteAddress(), request, context.limits().trustedProxy());
            // the accept of a directly connected socket took its address's token for its first session
            boolean paidAtAccept = ctx.channel().attr(SocketAdmission.RATE_PAID).getAndSet(null) != null;
            if (client != null && !paidAtAccept && !context.connectRate().tryAcquire(client, ctx.executor().ticker().nanoTime())) {
                endpoint.refuse(ctx, request, DisconnectReason.RATE_LIMITED);
                return;
            }
        }
        endpoint.handle(ctx, request, query);
    }

    /**
     * The request target, decoded now: the decoder decodes lazily and throws on a broken escape
     * ({@code %}, {@code %zz}) wherever an endpoint first reads it, which would end the connection
     * with no answer and a logged stack trace (found by FuzzedInputsTest).
     */
    private static QueryStringDecoder decodedOrNull(String uri) {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        try {
            query.path();
            query.parameters();
            return query;
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * A browser asks before a cross-origin {@code fetch} with an Authorization header. Only an
     * allowed origin gets the grant (the CORS headers come from {@link CorsHeaders}); a foreign
     * one is refused like any of its requests, and without an allow-list there is nothing to grant.
     */
    private void preflight(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!context.origins().permits(request)) {
            context.observer().authFailure(AuthFailure.ORIGIN);
            HttpResponses.error(ctx, request, HttpResponseStatus.FORBIDDEN, "forbidden", "origin not allowed");
            return;
        }
        if (context.origins().corsOrigin(request) == null) {
            HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request",
                    "OPTIONS is not allowed here; use GET");
            return;
        }
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.NO_CONTENT);
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Last-Event-ID")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        var written = ctx.writeAndFlush(response);
        if (!HttpUtil.isKeepAlive(request)) {
            written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NetworkLog.failed(log, "request failed", cause);
        ctx.close();
    }
}

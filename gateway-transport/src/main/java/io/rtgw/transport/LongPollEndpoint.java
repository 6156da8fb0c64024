package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /poll?channel=…&cursor=…&timeout=25}: one answer per request, nothing kept between
 * requests but the cursor the client holds, so any node can answer any poll. Every refusal is an
 * HTTP status (401 also for an expired cookie: a fetch loop reads statuses, unlike EventSource).
 *
 * <p>While the node drains, polls are answered without waiting and with {@code Connection:
 * close}, so the client's next poll opens a connection that the balancer sends elsewhere.
 */
final class LongPollEndpoint implements HttpEndpoint {
    static final int DEFAULT_TIMEOUT_SECONDS = 25;
    /** Below the 60 s read timeout of common proxies. */
    static final int MAX_TIMEOUT_SECONDS = 55;

    private final TransportContext context;

    LongPollEndpoint(TransportContext context) {
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

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.error(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "use GET");
            return;
        }
        StreamRequest wanted;
        int timeoutSeconds;
        try {
            wanted = StreamRequest.parse(request, query, false);
            timeoutSeconds = timeoutSeconds(query);
        } catch (StreamRequest.Invalid e) {
            HttpResponses.error(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
            return;
        }
        TokenSource.Found token = context.tokens().find(request, query, false);
        if (token == null) {
            context.observer().authFailure(AuthFailure.MISSING);
            HttpResponses.error(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorized", "no token");
            return;
        }
        boolean draining = context.drain().draining();
        HttpRequest head = HttpResponses.head(request); // the request itself is released after this returns
        if (draining) {
            HttpUtil.setKeepAlive(head, false);
        }
        context.authenticator().authenticate(token.token()).whenComplete((identity, error) ->
                ctx.executor().execute(() -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    if (error != null) {
                        AuthenticationException refusal = AuthFailures.of(error);
                        context.observer().authFailure(refusal.failure());
                        HttpResponses.error(ctx, head, HttpResponseStatus.UNAUTHORIZED,
                                refusal.failure() == AuthFailure.EXPIRED ? "token_expired" : "unauthorized",
                                refusal.getMessage());
                    } else {
                        poll(ctx, head, wanted, identity, !draining && wanted.cursor() != null, timeoutSeconds);
                    }
                }));
    }

    private void poll(ChannelHandlerContext ctx, HttpRequest head, StreamRequest wanted, ClientIdentity identity,
                      boolean hold, int timeoutSeconds) {
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
        LongPollConnection connection = new LongPollConnection(ctx, head, context.observer(), context.registry(), identity,
                new Cursor(channels), hold, TimeUnit.SECONDS.toNanos(timeoutSeconds));
        ClientSession session = new ClientSession(connection, identity, context.sessions());
        connection.attach(session);
        StreamSessions.start(session, channels, StreamSessions.sinceByChannel(channels, wanted.cursor()));
    }

    /** {@code timeout} in whole seconds, clamped to 1–55; 25 when absent. */
    static int timeoutSeconds(QueryStringDecoder query) throws StreamRequest.Invalid {
        List<String> values = query.parameters().get("timeout");
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        long seconds;
        try {
            seconds = Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            throw new StreamRequest.Invalid("timeout must be a whole number of seconds (1-" + MAX_TIMEOUT_SECONDS + ")");
        }
        return (int) Math.max(1, Math.min(MAX_TIMEOUT_SECONDS, seconds));
    }
}

package io.rtgw.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.DisconnectReason;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /poll?channel=…&cursor=…&timeout=25}: one answer per request, nothing kept between
 * requests but the cursor the client holds, so any node can answer any poll. Every refusal is an
 * HTTP status (401 also for an expired cookie: a fetch loop reads statuses, unlike EventSource).
 *
 * <p>While the node drains, polls are answered without waiting and with {@code Connection:
 * close}, so the client's next poll opens a connection that the balancer sends elsewhere.
 *
 * <p>Each poll takes its client's connection slot ({@link LongPollLeases}); past a limit the
 * answer is {@code 503 {"error":"limit_reached"}}, which a poll loop retries with backoff.
 */
final class LongPollEndpoint implements HttpEndpoint {
    static final int DEFAULT_TIMEOUT_SECONDS = 25;
    static final int MAX_TIMEOUT_SECONDS = (int) TransportSettings.LONG_POLL_MAX_HOLD.toSeconds();

    private final TransportContext context;

    private final StreamAdmission admission;

    LongPollEndpoint(TransportContext context) {
        this.context = context;
        this.admission = new StreamAdmission(context, io.rtgw.core.Transport.LONG_POLL);
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
        StreamRequest wanted = admission.read(ctx, request, query, false);
        if (wanted == null) {
            return;
        }
        int timeoutSeconds;
        try {
            timeoutSeconds = timeoutSeconds(query);
        } catch (StreamRequest.Invalid e) {
            StreamAdmission.badRequest(ctx, request, e);
            return;
        }
        boolean draining = context.drain().draining();
        HttpRequest head = HttpResponses.head(request);
        if (draining) {
            HttpUtil.setKeepAlive(head, false); // a draining node answers at once and lets the client go elsewhere
        }
        boolean hold = !draining && wanted.cursor() != null;
        admission.authenticate(ctx, request, query, head, wanted,
                (h, kind, refusal) -> StreamAdmission.unauthorized(ctx, h, refusal),
                (h, identity, channels) -> poll(ctx, h, wanted, identity, channels, hold, timeoutSeconds));
    }

    private void poll(ChannelHandlerContext ctx, HttpRequest head, StreamRequest wanted, ClientIdentity identity,
                      List<String> channels, boolean hold, int timeoutSeconds) {
        LongPollConnection connection = new LongPollConnection(ctx, head, context.observer(), context.registry(), identity,
                Cursor.resumedFrom(wanted.cursor(), channels), hold, TimeUnit.SECONDS.toNanos(timeoutSeconds));
        LongPollLeases.Poll slot = context.longPollLeases().open(identity, channels, ctx.channel().eventLoop());
        if (slot == null) {
            connection.close(DisconnectReason.LIMIT_REACHED); // 503 limit_reached: the loop polls again after a backoff
            return;
        }
        if (slot.closedBy() != null) {
            connection.close(slot.closedBy()); // disconnected between polls: told now, once
            return;
        }
        connection.holding(slot);
        List<String> subscribed = channels;
        if (!slot.unsubscribed().isEmpty()) {
            // the app ended these while the client was between polls: not subscribed again, and said so
            subscribed = channels.stream().filter(c -> !slot.unsubscribed().contains(c)).toList();
            slot.unsubscribed().forEach(connection::endedByServer);
        }
        ClientSession session = new ClientSession(connection, identity, context.sessions());
        session.presenceAs(slot.presenceClient(), slot.presence()); // one presence entry per client, not per poll
        connection.attach(session);
        StreamSessions.start(session, subscribed, StreamSessions.sinceByChannel(channels, wanted.cursor()));
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

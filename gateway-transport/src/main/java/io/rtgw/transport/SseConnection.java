package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Expiring;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Positioned;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Server-Sent Events response as a {@link io.rtgw.core.Connection} (docs/protocol.md §4.3).
 *
 * <p>Nothing reaches the client until every channel of the stream has its start position: the
 * first event is {@code rtgw.connected} with a cursor covering all of them, so a client that
 * drops right after it resumes without loss. Every message then carries the whole cursor in its
 * {@code id:} line, which is all a browser's automatic reconnect needs.
 *
 * <p>Messages without an SSE meaning are not sent: {@code welcome} (replaced by
 * {@code rtgw.connected}), {@code subscribed} (folded into it), and the replies to commands an
 * SSE client cannot send ({@code ack}, {@code refreshed}, {@code error}). {@code unsubscribed}
 * is sent as {@code rtgw.unsubscribed}: on SSE only the server ends a channel (docs/protocol.md §7).
 * {@code rtgw.close} carries {@code reconnect}; a close the client must not retry by itself
 * ({@code disconnected}, {@code revoked}) sets no short {@code retry:}.
 * An error before the stream is connected means a subscription failed (broker trouble): the
 * stream then ends as {@code internal} and the client retries.
 */
final class SseConnection extends ChannelConnection {
    private static final Logger log = LoggerFactory.getLogger(SseConnection.class);

    private final TransportSettings settings;
    private final HttpVersion version;
    private final List<ServerMessage> held = new ArrayList<>();
    private Cursor cursor;
    private boolean[] recovered;
    private boolean connected;
    private ScheduledFuture<?> heartbeat;
    /** Set when the stream is refused at connect because its cookie token has already expired. */
    private boolean staleCookie;

    SseConnection(Channel channel, TransportContext context, HttpVersion version) {
        super(channel, context);
        this.settings = context.settings();
        this.version = version;
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    /**
     * Writes the 200 head and the normal {@code retry:} (so a jittered one from an earlier close
     * does not stick). HTTP/1.0 (nginx's default upstream protocol) gets a close-delimited body.
     */
    void open(String corsOrigin) {
        HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Accel-Buffering", "no");
        if (version.equals(HttpVersion.HTTP_1_0)) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        if (corsOrigin != null) {
            head.headers()
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin)
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                    .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        write(head);
        write(content(SseEvents.retry(settings.sseRetry().toMillis())));
    }

    /** The channels of this stream in cursor order; messages are held until the session has positioned them all. */
    void expect(Cursor streamCursor) {
        this.cursor = streamCursor;
        this.recovered = new boolean[streamCursor.channels().size()];
    }

    @Override
    public void send(ServerMessage message) {
        if (connected || cursor == null || !isOpen()) {
            super.send(message);
        } else if (message instanceof Subscribed s) {
            started(s);
        } else if (message instanceof Positioned) {
            connect();
        } else if (message instanceof ErrorReply e) {
            log.debug("sse {} could not start: {} {}", id(), e.code(), e.message());
            close(DisconnectReason.INTERNAL);
        } else if (!(message instanceof ServerMessage.Welcome)) {
            held.add(message);
        }
    }

    /**
     * A channel's start: set at once, since that channel's own messages follow it (a replay may
     * come before the other channels are positioned).
     */
    private void started(Subscribed s) {
        int i = cursor.indexOf(s.channel());
        if (i >= 0) {
            recovered[i] = s.recovered();
            cursor.set(i, s.position());
        }
    }

    private void connect() {
        connected = true;
        write(content(SseEvents.connected(id(), cursor, recovered, settings.heartbeat().toSeconds())));
        for (ServerMessage m : held) {
            super.send(m);
        }
        held.clear();
        long beat = settings.heartbeat().toNanos();
        heartbeat = channel.eventLoop().scheduleAtFixedRate(
                () -> write(content(SseEvents.ping())), beat, beat, TimeUnit.NANOSECONDS);
    }

    @Override
    protected Object encode(ServerMessage message) {
        if (message instanceof Publication p) {
            return content(publication(p));
        } else if (message instanceof Gap g) {
            return content(SseEvents.gap(g.channel()));
        } else if (message instanceof Expiring x) {
            return content(SseEvents.expiring(x.inSeconds()));
        } else if (message instanceof Unsubscribed u) {
            // The server ended one channel (§7); the stream and its cursor go on. The cursor
            // keeps the channel's last position: a reconnect that names it again subscribes it
            // again, judged afresh by the token's grants.
            return content(SseEvents.unsubscribed(u.channel(), u.reason().wire()));
        }
        return null;
    }

    /** The shared event and data lines, behind this stream's {@code id:} line when it has a position. */
    private ByteBuf publication(Publication p) {
        ByteBuf shared = Unpooled.wrappedBuffer(p.encoded(SseEventEncoder.INSTANCE));
        StreamPosition position = p.position();
        int i = position == null || cursor == null ? -1 : cursor.indexOf(p.channel().name());
        if (i < 0) {
            // Live-only: an id line, even an empty one, would reset the browser's cursor.
            return shared;
        }
        cursor.set(i, position);
        return Unpooled.wrappedBuffer(SseEvents.idLine(cursor.text()), shared);
    }

    /**
     * Refuses a stream whose cookie token had expired before it connected. The browser came back
     * with a cookie the page has not renewed yet; a short retry would only repeat the refusal, so
     * it waits longer (10-30 s) and a fleet of stale tabs cannot hammer the node.
     */
    void refuseStaleCookie() {
        staleCookie = true;
        close(DisconnectReason.TOKEN_EXPIRED);
    }

    /**
     * {@code rtgw.close}, with a jittered {@code retry:} when the client should come back (so a
     * fleet's clients do not return all at once), then the end of the response.
     */
    @Override
    protected void sendClose(DisconnectReason reason) {
        stopHeartbeat();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long retry = !reason.reconnect() ? 0 : staleCookie ? random.nextLong(10_000, 30_001) : random.nextLong(1000, 5001);
        channel.write(content(SseEvents.close(reason.reason(), reason.reconnect(), retry)), channel.voidPromise());
        Object end = version.equals(HttpVersion.HTTP_1_0) ? Unpooled.EMPTY_BUFFER : LastHttpContent.EMPTY_LAST_CONTENT;
        channel.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void ended(DisconnectReason peerReason) {
        stopHeartbeat();
        held.clear();
        super.ended(peerReason);
    }

    private void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    private static DefaultHttpContent content(ByteBuf bytes) {
        return new DefaultHttpContent(bytes);
    }
}

package io.rtgw.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.ClientSession;
import io.rtgw.core.Connection;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.EventName;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Gap;
import io.rtgw.core.ServerMessage.Positioned;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One long-poll request as a short-lived {@link Connection}: it collects what the session sends
 * and answers once, {@code {"messages":[…],"cursor":"…"}}. The cursor only advances over what is
 * in the answer, so whatever made the answer early (a burst, a slow consumer, token expiry) loses
 * nothing: the next poll resumes there.
 *
 * <p>When every channel has its position: anything collected (replay, gap) is answered at once;
 * so is a poll that holds no wait ({@code hold == false}: no cursor was given, or the node
 * drains); otherwise the poll waits for the first live message, then answers after the current
 * event-loop turn so that a burst goes out together, or answers empty at the timeout.
 * Live-only publications are skipped — they have no position for a cursor to hold — except the
 * gateway's own {@code rtgw.join} / {@code rtgw.leave} (docs/protocol.md §9), which a held poll
 * answers with like a message (the cursor does not move for them).
 */
final class LongPollConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong();
    private static final byte[] OPEN = "{\"messages\":[".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext ctx;
    /** The request's version and keep-alive, copied out of its head: a waiting poll keeps no header map. */
    private final HttpVersion version;
    private final boolean keepAlive;
    private final GatewayObserver observer;
    private final ClientIdentity identity;
    private final Cursor cursor;
    private final boolean hold;
    private final long timeoutNanos;
    private final String id = "p" + Long.toString(IDS.incrementAndGet(), 36);
    private final long openedAtNanos = System.nanoTime();
    private final List<byte[]> items = new ArrayList<>();
    private final List<Publication> publications = new ArrayList<>();
    private final GenericFutureListener<Future<? super Void>> peerGone = f -> peerGone();
    /** A drain answers held polls too (with what they have), so they are registered while open. */
    private final ConnectionRegistry registry;
    /** Until the session has positioned every channel, no cursor can be answered. */
    private boolean positioned;
    private ClientSession session;
    /** The client's connection slot, given back when the poll ends (it then lingers). */
    private LongPollLeases.Poll slot;
    private ScheduledFuture<?> timeout;
    private boolean answerScheduled;
    private boolean done;
    /** Why the poll ended, for the session's disconnect event (docs/protocol.md §10). */
    private DisconnectReason finishedBy;

    /** @param head the request's version and keep-alive (see {@link HttpResponses#head}) */
    LongPollConnection(ChannelHandlerContext ctx, HttpRequest head, GatewayObserver observer,
                       ConnectionRegistry registry, ClientIdentity identity, Cursor cursor, boolean hold,
                       long timeoutNanos) {
        this.ctx = ctx;
        this.registry = registry;
        this.version = head.protocolVersion();
        this.keepAlive = HttpUtil.isKeepAlive(head);
        this.observer = observer;
        this.identity = identity;
        this.cursor = cursor;
        this.hold = hold;
        this.timeoutNanos = timeoutNanos;
        observer.connectionOpened(Transport.LONG_POLL);
        registry.added(this);
        // A client that gives up while the poll waits must not leave the session behind.
        ctx.channel().closeFuture().addListener(peerGone);
    }

    void holding(LongPollLeases.Poll slot) {
        this.slot = slot;
    }

    /**
     * Attaches the session and arms the poll's deadline: while the broker is unreachable the
     * channels cannot be positioned, and the poll waits for them at most its timeout rather than
     * longer than any proxy would. When the client's cursor already placed every channel, that is
     * its timeout, and it is answered like a poll that saw nothing new (the client polls again
     * from the same cursor and loses nothing). Otherwise the poll is waiting for a position to
     * give, up to the longest hold; if none comes, 503 {@code unavailable}.
     */
    void attach(ClientSession session) {
        this.session = session;
        boolean resumable = cursor.complete();
        timeout = executor().schedule(() -> {
            if (resumable) {
                answer();
            } else {
                end(DisconnectReason.UNAVAILABLE);
            }
        }, resumable ? timeoutNanos : TransportSettings.LONG_POLL_MAX_HOLD.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Transport transport() {
        return Transport.LONG_POLL;
    }

    @Override
    public ScheduledExecutorService executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public DisconnectReason closeReason() {
        return finishedBy;
    }

    @Override
    public boolean isOpen() {
        return !done;
    }

    @Override
    public void send(ServerMessage message) {
        if (done) {
            return;
        }
        if (message instanceof Subscribed s) {
            started(s);
        } else if (message instanceof Positioned) {
            positioned();
        } else if (message instanceof Publication p) {
            collect(p);
        } else if (message instanceof Gap g) {
            items.add(gapItem(g.channel()));
            if (positioned) {
                answerSoon(); // a gap while waiting (the channel's history was reset) is news too
            }
        } else if (message instanceof Unsubscribed u) {
            unsubscribed(u);
        } else if (message instanceof ErrorReply && !positioned) {
            // A subscription failed (broker trouble) before the poll could start.
            end(DisconnectReason.INTERNAL);
        }
        // welcome, expiring and command replies have no long-poll meaning.
    }

    /** A channel's start, set at once: its replay follows, before the other channels may be positioned. */
    private void started(Subscribed s) {
        int i = cursor.indexOf(s.channel());
        if (i >= 0) {
            cursor.set(i, s.position());
        }
    }

    /**
     * The server ended a channel (docs/protocol.md §4.4, §7): an {@code unsubscribed} item, and
     * the channel's position leaves the cursor, so a poll that names it again starts it live, as
     * a new subscription judged by the token's grants. Answered at once: the client learns it now.
     */
    private void unsubscribed(Unsubscribed u) {
        int i = cursor.indexOf(u.channel());
        if (i < 0) {
            return;
        }
        cursor.clear(i);
        items.add(unsubscribedItem(u.channel(), u.reason().wire()));
        if (positioned) {
            answerSoon();
        }
    }

    /**
     * The app ended {@code channel} while the client was between polls: this poll does not
     * subscribe it, tells the client, and answers as soon as the other channels are placed.
     */
    void endedByServer(String channel) {
        unsubscribed(new Unsubscribed(channel, ServerMessage.UnsubscribeReason.SERVER, null));
    }

    private void positioned() {
        positioned = true;
        timeout.cancel(false);
        if (!items.isEmpty() || !hold) {
            answerSoon();
        } else {
            timeout = executor().schedule(this::answer, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void collect(Publication p) {
        StreamPosition position = p.position();
        if (position == null) {
            if (!p.event().startsWith(EventName.RESERVED_PREFIX) || cursor.indexOf(p.channel().name()) < 0) {
                return;
            }
        } else {
            int i = cursor.indexOf(p.channel().name());
            if (i < 0) {
                return;
            }
            cursor.set(i, position);
        }
        items.add(p.encoded(MessageItemEncoder.INSTANCE));
        publications.add(p);
        if (positioned) {
            answerSoon();
        }
    }

    private void answerSoon() {
        if (!answerScheduled) {
            answerScheduled = true;
            executor().execute(this::answer);
        }
    }

    /**
     * The session ends the connection: answer what is there, or ask for a retry if nothing can be.
     * The app's disconnect or revocation (docs/protocol.md §7) is answered 200 with {@code closed}
     * and {@code reconnect}, with what was collected and the cursor when it can be given.
     */
    @Override
    public void close(DisconnectReason reason) {
        if (byApp(reason)) {
            answerClosed(reason);
        } else {
            end(reason);
        }
    }

    /** The reasons the app gives through the server API; a poll answers them as {@code closed}. */
    static boolean byApp(DisconnectReason reason) {
        return reason == DisconnectReason.DISCONNECTED || reason == DisconnectReason.DISCONNECTED_RECONNECT
                || reason == DisconnectReason.REVOKED;
    }

    private void end(DisconnectReason reason) {
        if (done) {
            return;
        }
        if (positioned) {
            answer();
            return;
        }
        // Some channel has no position yet, so no cursor can be given: the client polls again
        // with the one it has.
        finish(reason);
        HttpResponses.error(ctx, version, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, reason.reason(),
                "the poll could not start; poll again");
    }

    private void answer() {
        if (!done) {
            respond(DisconnectReason.NORMAL, true, null);
        }
    }

    /** {@code closed}: the cursor is given only when every channel had its position (else the client keeps its own). */
    private void answerClosed(DisconnectReason reason) {
        if (!done) {
            respond(reason, positioned, closedFields(reason));
        }
    }

    /** {@code ,"closed":"<reason>","reconnect":<bool>}: the end of a {@code closed} answer, also for a lingering lease. */
    static String closedFields(DisconnectReason reason) {
        return ",\"closed\":\"" + reason.reason() + "\",\"reconnect\":" + reason.reconnect();
    }

    private void respond(DisconnectReason reason, boolean withCursor, String closed) {
        finish(reason);
        ByteBuf body = ctx.alloc().buffer(96 + items.stream().mapToInt(b -> b.length + 1).sum());
        body.writeBytes(OPEN);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                body.writeByte(',');
            }
            body.writeBytes(items.get(i));
        }
        body.writeByte(']');
        if (withCursor) {
            body.writeCharSequence(",\"cursor\":\"" + cursor.text() + "\"", StandardCharsets.US_ASCII);
        }
        if (closed != null) {
            body.writeCharSequence(closed, StandardCharsets.US_ASCII);
        }
        body.writeByte('}');
        for (Publication p : publications) {
            observer.delivered(Transport.LONG_POLL, p);
        }
        HttpResponses.send(ctx, version, keepAlive, HttpResponseStatus.OK, "application/json", body);
    }

    /** The client went away while the poll waited. */
    private void peerGone() {
        if (!done) {
            finish(DisconnectReason.NORMAL);
        }
    }

    /** Ends the session and records the close; the node subscription lingers for the next poll. */
    private void finish(DisconnectReason reason) {
        done = true;
        finishedBy = reason;
        registry.removed(this);
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.channel().closeFuture().removeListener(peerGone);
        if (session != null) {
            session.closed();
        }
        if (slot != null) {
            slot.end();
        }
        observer.connectionClosed(Transport.LONG_POLL, identity, reason, System.nanoTime() - openedAtNanos,
                publications.size());
    }

    private static byte[] unsubscribedItem(String channel, String reason) {
        return ("{\"type\":\"unsubscribed\",\"channel\":" + HttpResponses.quote(channel) + ",\"reason\":\"" + reason
                + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gapItem(String channel) {
        return ("{\"type\":\"gap\",\"channel\":" + HttpResponses.quote(channel) + "}").getBytes(StandardCharsets.UTF_8);
    }
}

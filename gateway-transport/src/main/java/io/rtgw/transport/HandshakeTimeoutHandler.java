package io.rtgw.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clock of an HTTP connection between its requests (docs/protocol.md §4). Slow-header attacks
 * and idle keep-alive sockets hold files for free, so a connection always runs one of two timers
 * while it is the client's turn:
 * <ul>
 *   <li>the request timer: a request must arrive complete within {@code requestTimeout} of the
 *       accept (the first) or of its first bytes (every later one on a keep-alive connection);</li>
 *   <li>the idle timer: after an answer, a connection whose next request has not begun is closed
 *       after {@code idleTimeout}.</li>
 * </ul>
 * While requests are answered (a held poll, an SSE stream) no timer runs: those have clocks of
 * their own. A WebSocket upgrade ends HTTP on the connection and this handler leaves the pipeline.
 * It sits behind the HTTP codec, so it sees whole requests coming in and whole answers going out;
 * every socket read reaches it as a read-complete, also one the codec keeps to itself.
 */
final class HandshakeTimeoutHandler extends ChannelDuplexHandler {
    private final long requestNanos;
    private final long idleNanos;
    private ScheduledFuture<?> timer;
    private boolean timingRequest;
    /** Requests whose head arrived and whose answers have not ended yet. */
    private int unanswered;
    /**
     * A request's head arrived but not its end. The body is still timed: an answer can end before
     * it (a keep-alive 413 for an oversized body), and then the rest must not hold the socket.
     */
    private boolean bodyPending;
    private boolean requestCompletedInThisRead;

    HandshakeTimeoutHandler(Duration requestTimeout, Duration idleTimeout) {
        this.requestNanos = requestTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
    }

    HandshakeTimeoutHandler(Duration requestTimeout) {
        this(requestTimeout, requestTimeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, requestNanos, true);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
            bodyPending = true;
        }
        if (msg instanceof LastHttpContent) {
            bodyPending = false;
            requestCompletedInThisRead = true;
            if (unanswered > 0) {
                cancel(); // the server's turn
            } else {
                arm(ctx, idleNanos, false); // answered before its body ended
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Bytes arrived that did not end a request: the next request has begun (or its body is
        // under way), and from its first byte it has the request timeout to arrive complete.
        if (!requestCompletedInThisRead && (unanswered == 0 || bodyPending) && !timingRequest) {
            arm(ctx, requestNanos, true);
        }
        requestCompletedInThisRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            ctx.write(msg, promise);
            if (HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                ctx.pipeline().remove(this); // WebSocket from here on: its auth and pong timers take over
            }
            return;
        }
        if (msg instanceof LastHttpContent && unanswered > 0 && --unanswered == 0 && !bodyPending) {
            arm(ctx, idleNanos, false);
        }
        ctx.write(msg, promise);
    }

    private void arm(ChannelHandlerContext ctx, long nanos, boolean request) {
        cancel();
        timingRequest = request;
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timingRequest = false;
    }
}

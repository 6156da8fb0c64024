package io.rtgw.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps the answers of pipelined HTTP/1.1 requests in request order (docs/protocol.md §4). The
 * decoder hands over every request of a read at once, but a long poll or an authentication is
 * answered later: without this, a request pipelined behind a held poll was answered first — a
 * proxy that shares upstream connections would give one client's answer to another's request.
 *
 * <p>A request waits here while the one before it has no complete answer yet, and goes on once
 * that answer's last part is written. Requests answered at once pass straight through. At most
 * {@value #MAX_WAITING} wait (each is at most a header block and a small body); past that,
 * nothing more is answered: the held answer goes out with {@code Connection: close}. An answer
 * that never ends by itself (an SSE stream) and a WebSocket upgrade end HTTP answers on the
 * connection, and this handler leaves: requests behind a stream are discarded unanswered by
 * the stream's handler, and the stream's end closes the connection.
 */
final class ResponseOrder extends ChannelDuplexHandler {
    static final int MAX_WAITING = 4;

    /** Made on the first request that has to wait: most connections never pipeline. */
    private ArrayDeque<FullHttpRequest> waiting;
    /** A request was handed on and its answer is not complete yet. */
    private boolean answering;
    /** Requests were refused a place: the held answer is the last on this connection. */
    private boolean closeAfterAnswer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!answering && (waiting == null || waiting.isEmpty())) {
            dispatch(ctx, request);
        } else if (closeAfterAnswer || waiting != null && waiting.size() >= MAX_WAITING) {
            closeAfterAnswer = true;
            ReferenceCountUtil.release(request); // never answered, so never answered out of order
        } else {
            if (waiting == null) {
                waiting = new ArrayDeque<>(MAX_WAITING);
            }
            waiting.add(request);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        answering = true;
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()
                    || !(msg instanceof LastHttpContent)) {
                // WebSocket, or an SSE stream: HTTP answers are over on this connection. What
                // arrives later is the stream handler's to discard, and its end closes the connection.
                ctx.write(msg, promise);
                leave(ctx);
                return;
            }
            if (closeAfterAnswer) {
                HttpUtil.setKeepAlive(response, false);
            }
            if (!HttpUtil.isKeepAlive(response)) {
                closeAfterAnswer = true; // whatever waits would be answered on a closing connection
            }
        }
        boolean complete = msg instanceof LastHttpContent && answering;
        ChannelPromise written = complete ? promise.unvoid() : promise;
        ctx.write(msg, written);
        if (complete) {
            answered(ctx, written);
        }
    }

    private void answered(ChannelHandlerContext ctx, ChannelPromise written) {
        answering = false;
        if (closeAfterAnswer) {
            releaseWaiting();
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (waiting != null && !waiting.isEmpty()) {
            // After the current handler has finished with the request it answered.
            ctx.executor().execute(() -> next(ctx));
        }
    }

    private void next(ChannelHandlerContext ctx) {
        if (answering || ctx.isRemoved() || !ctx.channel().isActive()) {
            return;
        }
        FullHttpRequest request = waiting == null ? null : waiting.poll();
        if (request != null) {
            dispatch(ctx, request);
        }
    }

    private void leave(ChannelHandlerContext ctx) {
        answering = false;
        releaseWaiting();
        ctx.pipeline().remove(this);
    }

    private void releaseWaiting() {
        if (waiting == null) {
            return;
        }
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            ReferenceCountUtil.release(request);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }
}

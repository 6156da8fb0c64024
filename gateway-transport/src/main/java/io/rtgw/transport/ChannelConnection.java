package io.rtgw.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundInvoker;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.Connection;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.Transport;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every streaming connection over a Netty channel shares: write many and flush them together
 * with the loop's other connections ({@link BatchFlushed}, {@link FlushBatch}), a hard bound on queued bytes (past it
 * the client is a slow consumer and is closed instead of growing memory), close-once, and the
 * metrics and log line at the end.
 */
public abstract class ChannelConnection extends BatchFlushed implements Connection {
    private static final Logger log = LoggerFactory.getLogger("io.rtgw.connections");
    private static final AtomicLong IDS = new AtomicLong();
    /** How long a peer may take to read our close before the socket is closed anyway. */
    private static final long FORCE_CLOSE_AFTER_SECONDS = 5;

    protected final Channel channel;
    protected final GatewayObserver observer;
    private final TransportContext context;
    private final String id;
    private final long openedAtNanos = System.nanoTime();
    private final int maxQueuedBytes;
    private long messagesSent;
    private DisconnectReason closeReason;
    private ClientIdentity identity;
    private boolean admitted;
    private boolean ended;

    protected ChannelConnection(Channel channel, TransportContext context) {
        this.channel = channel;
        this.context = context;
        this.observer = context.observer();
        this.maxQueuedBytes = context.settings().outboundQueueBytes();
        this.id = Long.toString(IDS.incrementAndGet(), 36) + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
        observer.connectionOpened(transport());
        context.registry().added(this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ScheduledExecutorService executor() {
        return channel.eventLoop();
    }

    @Override
    public boolean isOpen() {
        return closeReason == null && channel.isActive();
    }

    /** Who is on this connection, once known; for the close log line and metrics. */
    public void identify(ClientIdentity identity) {
        this.identity = identity;
    }

    /**
     * Counts an authenticated connection against the node, tenant and user limits.
     *
     * @return false when a limit is reached (the caller closes {@code limit_reached})
     */
    public boolean admit(ClientIdentity who) {
        identify(who);
        admitted = context.connectionLimits().tryAcquire(who);
        return admitted;
    }

    public ClientIdentity identity() {
        return identity;
    }

    /**
     * Encodes, queues and counts a message. Transports may override to hold messages back (SSE
     * waits for every channel's position), as long as what they release goes through here.
     */
    @Override
    public void send(ServerMessage message) {
        if (!isOpen()) {
            return;
        }
        Object frame = encode(message);
        if (frame == null) {
            return;
        }
        write(frame);
        if (message instanceof Publication p) {
            messagesSent++;
            observer.delivered(transport(), p);
        }
    }

    /** The transport's frame for a message (a buffer or a Netty message), or null to send nothing. */
    protected abstract Object encode(ServerMessage message);

    /** Tells the client why the connection ends, then ends it (the first close wins). */
    protected abstract void sendClose(DisconnectReason reason);

    /**
     * Where a frame enters the pipeline: the whole channel by default. A transport whose frame
     * is already in wire form may enter it further down, past encoders that would only pass it on.
     */
    protected ChannelOutboundInvoker outboundFor(Object frame) {
        return channel;
    }

    /** Where a flush starts: the whole channel by default; lower when no handler above buffers. */
    protected ChannelOutboundInvoker flushFrom() {
        return channel;
    }

    /**
     * Queues a frame and joins the loop's next flush. That flush may run inside this call (a large
     * fan-out flushes in chunks, see {@link FlushBatch}) and may close this or another connection.
     */
    protected final void write(Object frame) {
        outboundFor(frame).write(frame, channel.voidPromise());
        flushLater(channel.eventLoop());
    }

    /**
     * Flushes what was written since the last flush (once per event-loop turn, or per chunk of a
     * large fan-out). What the socket did not take is this client's backlog: a burst written
     * before the flush does not count, only what stays queued after it.
     *
     * <p>This byte bound is the only backpressure (docs/protocol.md §5): Netty's writability
     * (its write-buffer watermarks) is deliberately not consulted. Holding writes back while a
     * channel is unwritable would only move the backlog from Netty's buffer into another
     * queue, and a flush to a socket still waiting for room costs no system call. Closing a
     * client that stays unwritable for some time would close slow mobile links during a large
     * catch-up that the byte bound lets through. So the listener leaves the watermarks at
     * Netty's defaults and nothing reads them.
     */
    @Override
    protected final void flushNow() {
        flushFrom().flush();
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        if (queued != null && queued.totalPendingWriteBytes() > maxQueuedBytes) {
            close(DisconnectReason.SLOW_CONSUMER);
        }
    }

    @Override
    public final void close(DisconnectReason reason) {
        if (closeReason != null || !channel.isActive()) {
            return;
        }
        closeReason = reason;
        sendClose(reason);
        // Nothing is written after this, so the queue stops growing; a peer that never reads
        // the close must still not keep the socket: force it after a grace period.
        unlessClosedBefore(FORCE_CLOSE_AFTER_SECONDS, TimeUnit.SECONDS, channel::close);
    }

    /**
     * Runs {@code task} on the channel's event loop after {@code delay}, unless the channel
     * closes first. A close timer that outlived its channel would pin the connection (and all it
     * references) in the event loop's timer queue until it fires, for every closed connection.
     */
    protected final void unlessClosedBefore(long delay, TimeUnit unit, Runnable task) {
        if (!channel.isOpen()) {
            return;
        }
        ScheduledFuture<?> timer = channel.eventLoop().schedule(task, delay, unit);
        channel.closeFuture().addListener(closed -> timer.cancel(false));
    }

    /** The reason the server gave, or null when the peer went away by itself. */
    @Override
    public DisconnectReason closeReason() {
        return closeReason;
    }

    /** Called once by the transport's handler when the channel is gone. */
    public void ended(DisconnectReason peerReason) {
        if (ended) {
            return;
        }
        ended = true;
        context.registry().removed(this);
        if (admitted) {
            context.connectionLimits().release(identity);
        }
        DisconnectReason reason = closeReason != null ? closeReason : peerReason;
        long durationNanos = System.nanoTime() - openedAtNanos;
        observer.connectionClosed(transport(), identity, reason, durationNanos, messagesSent);
        log.info("connection closed transport={} user={} tenant={} duration_s={} code={} reason={} messages={} id={}",
                transport().label(), identity == null ? "-" : identity.user(), identity == null ? "-" : identity.tenant(),
                String.format("%.3f", durationNanos / 1e9), reason.closeCode(), reason.reason(), messagesSent, id);
    }

    @Override
    public abstract Transport transport();
}

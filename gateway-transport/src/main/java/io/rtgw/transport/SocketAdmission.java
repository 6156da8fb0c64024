package io.rtgw.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.rtgw.core.DisconnectReason;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Admits each socket the public listener accepts (docs/protocol.md §4: every accepted socket counts
 * toward the connection limits and the per-address connect rate, whether it ever opens a session).
 * <ul>
 *   <li>Past the socket cap ({@link AbuseLimits#socketCap()}) the socket is closed at once, unanswered:
 *       the cap keeps files in reserve for the admin listener, so it is never waived.</li>
 *   <li>Past {@code max_connections} or the connect rate of its address the socket is kept just long
 *       enough to answer its request with the endpoint's refusal ({@code limit_reached} /
 *       {@code rate_limited}: 4009/4029, 503/429, an SSE retry), which a client can act on; the
 *       request timeout bounds how long that is.</li>
 * </ul>
 * A socket from a trusted proxy is not rated here: its address is the proxy's, not a client's; the
 * router rates the forwarded client when a session opens.
 */
final class SocketAdmission {
    /** Why every request on this socket is refused; absent when the socket was admitted. */
    static final AttributeKey<DisconnectReason> REFUSAL = AttributeKey.valueOf("rtgw.socketRefusal");
    /**
     * Set when the socket's accept already took a connect-rate token of its address, so that its
     * first session-opening request does not take a second one.
     */
    static final AttributeKey<Boolean> RATE_PAID = AttributeKey.valueOf("rtgw.connectRatePaid");

    private final TransportContext context;
    private final int cap;

    SocketAdmission(TransportContext context) {
        this.context = context;
        this.cap = context.limits().socketCap();
    }

    /** @return false when the socket is over the cap and has been closed */
    boolean admit(Channel ch) {
        ConnectionLimits limits = context.connectionLimits();
        int open = limits.openSocket();
        ch.closeFuture().addListener(f -> limits.closeSocket());
        if (open > cap) {
            ch.close();
            return false;
        }
        if (!limits.socketsWithinLimit(open)) {
            ch.attr(REFUSAL).set(DisconnectReason.LIMIT_REACHED);
            return true;
        }
        InetAddress peer = peer(ch);
        if (peer != null && !context.limits().trustedProxy().test(peer)) {
            if (!context.connectRate().tryAcquire(peer, ch.eventLoop().ticker().nanoTime())) {
                ch.attr(REFUSAL).set(DisconnectReason.RATE_LIMITED);
            } else {
                ch.attr(RATE_PAID).set(Boolean.TRUE);
            }
        }
        return true;
    }

    private static InetAddress peer(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}

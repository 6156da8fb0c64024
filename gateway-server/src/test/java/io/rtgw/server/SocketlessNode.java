package io.rtgw.server;

import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.SessionContext;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real node on a real Redis, its position check off, with sessions that have no socket
 * (see {@link SharedHistoryReadIT} for why): what Redis counts is then the node's own work.
 */
final class SocketlessNode implements AutoCloseable {
    final FaultRig rig;
    final RunningGateway node;
    final SessionContext context;
    /** The node's event loops, played by single threads. */
    final List<ScheduledExecutorService> loops = new ArrayList<>();

    private SocketlessNode(FaultRig rig) {
        this.rig = rig;
        this.node = rig.nodes.get(0);
        this.context = new SessionContext(node.gateway.hub(), node.gateway.broker(),
                token -> CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "no tokens here")),
                GatewayObserver.NOOP, Gateway.sessionSettings(node.gateway.config()));
        for (int i = 0; i < 2; i++) {
            loops.add(Executors.newSingleThreadScheduledExecutor());
        }
    }

    /** No position check: every history read counted comes from what the test does. */
    static SocketlessNode start(String redisUrl) throws Exception {
        return new SocketlessNode(FaultRig.start(redisUrl, 1, "RTGW_POSITION_CHECK", "0"));
    }

    static boolean answered(RecordingConnection c) {
        return !c.of(ServerMessage.Subscribed.class).isEmpty() || !c.of(ServerMessage.ErrorReply.class).isEmpty();
    }

    static List<String> ids(RecordingConnection c) {
        return c.of(Publication.class).stream().map(p -> p.position().toString()).toList();
    }

    /** {@code FCALL} and {@code FCALL_RO} calls so far, as Redis counts them ({@code INFO commandstats}). */
    static long functionCalls(RedisServer server) {
        Matcher m = Pattern.compile("(?m)^cmdstat_fcall(?:_ro)?:calls=(\\d+)").matcher(server.cli("INFO", "commandstats"));
        long calls = 0;
        while (m.find()) {
            calls += Long.parseLong(m.group(1));
        }
        return calls;
    }

    @Override
    public void close() {
        loops.forEach(ScheduledExecutorService::shutdownNow);
        rig.close();
    }
}

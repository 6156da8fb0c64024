package io.rtgw.server;

import io.rtgw.core.GatewayObserver;
import io.rtgw.core.Publication;
import io.rtgw.core.RecordingConnection;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.SessionContext;
import io.rtgw.core.auth.AuthFailure;
import io.rtgw.core.auth.AuthenticationException;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the ITs that run one real node on a real Redis, its position check off, with sessions
 * that have no socket (see {@link SharedHistoryReadIT} for why): what Redis counts is then the
 * node's own work, from what the test does.
 */
abstract class SocketlessNode {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();
    static FaultRig rig;
    static RunningGateway node;
    static SessionContext context;
    /** The node's event loops, played by single threads. */
    static final List<ScheduledExecutorService> loops = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        rig = FaultRig.start(redis.server().uri(), 1, "RTGW_POSITION_CHECK", "0");
        node = rig.nodes.get(0);
        context = new SessionContext(node.gateway.hub(), node.gateway.broker(),
                token -> CompletableFuture.failedFuture(new AuthenticationException(AuthFailure.INVALID, "no tokens here")),
                GatewayObserver.NOOP, Gateway.sessionSettings(node.gateway.config()));
        for (int i = 0; i < 2; i++) {
            loops.add(Executors.newSingleThreadScheduledExecutor());
        }
    }

    @AfterAll
    static void stopNode() {
        loops.forEach(ScheduledExecutorService::shutdownNow);
        loops.clear();
        if (rig != null) {
            rig.close();
        }
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
}

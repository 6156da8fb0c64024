package io.rtgw.pubsub;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, briefly, for Lettuce clients to finish closing their connections: with
 * {@code RTGW_REDIS_IO=shared} those run on the node's event loops, which the node stops right
 * after its Redis users, and a close still in flight then would run on a terminated loop.
 */
final class ClientShutdown {
    private static final Logger log = LoggerFactory.getLogger(ClientShutdown.class);

    private ClientShutdown() {
    }

    static void await(CompletableFuture<?>... shutdowns) {
        if (!LoopGuard.mayWait()) {
            return;
        }
        try {
            CompletableFuture.allOf(shutdowns).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Redis clients did not finish closing in time", e);
        }
    }
}

package io.rtgw.server;

import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisSentinelGroup;
import io.rtgw.testkit.RedisServerExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Correct under every fault" through a Sentinel failover: the nodes follow the promoted
 * replica, and each client gets every acknowledged publication once and in order, or a gap
 * notice in its place (docs/protocol.md §5). Replication is asynchronous, so a publication
 * acknowledged just before the switch may be lost: then a gap is the only correct answer, and
 * its id may be given to a later publication (which the app sees; clients must still never see
 * one message twice, nor miss one without a gap).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SentinelFaultIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.sentinel();
    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = FaultRig.start(redis.sentinelGroup().uri(), 2);
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aFailoverDuringSteadyPublishingLosesNothingSilently(RedisSentinelGroup group) throws Exception {
        rig.survives(redis.tenant(), "room:failover", app -> {
            int oldMaster = group.currentMasterPort();
            group.failover();
            await("Sentinel names the promoted replica").atMost(FaultRig.WAIT)
                    .until(() -> group.currentMasterPort() != oldMaster);
            // the old master keeps accepting writes until Sentinel turns it into a replica; only
            // then is every node's publishing known to go to the new master
            await("the old master demoted to a replica").atMost(FaultRig.WAIT)
                    .until(() -> group.master().cli("INFO", "replication").contains("role:slave"));
        }, false); // ids of writes the demoted master acknowledged but never replicated are given out again
    }
}

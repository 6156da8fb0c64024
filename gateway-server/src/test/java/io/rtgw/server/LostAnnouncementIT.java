package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publication that reaches the stream but whose pub/sub announcement is lost, on a channel that
 * then stays quiet: nothing live will ever reveal the skipped offset, so only the node's position
 * check (every second here, {@link FaultRig#NODE_SETTINGS}) can find it and deliver it, in order
 * and without a gap (docs/protocol.md §5).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LostAnnouncementIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();
    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = FaultRig.start(redis.server().uri(), 2);
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aQuietChannelsUnannouncedPublicationIsFoundByThePositionCheck(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        String channel = "room:quiet";
        UnannouncedPublisher unannounced = UnannouncedPublisher.load(server);
        try (FaultClients clients = rig.clients(tenant, channel)) {
            await().atMost(FaultRig.WAIT).until(clients::allConfirmed);
            String first = rig.publish(0, tenant, channel, "{\"n\":1}");
            await().atMost(FaultRig.WAIT).until(() -> clients.allReceived(first));

            String lost = unannounced.publish(tenant, channel, "{\"n\":2}");
            await("the position check delivers the unannounced publication to every client")
                    .atMost(FaultRig.WAIT).until(() -> clients.allReceived(lost));
            String next = rig.publish(1, tenant, channel, "{\"n\":3}");
            await().atMost(FaultRig.WAIT).until(() -> clients.allReceived(next));

            for (WatchedClient c : clients.all()) {
                assertThat(c.seen()).as(c.name()).extracting(WatchedClient.Seen::id).containsExactly(first, lost, next);
                assertThat(c.refusals()).as(c.name()).isEmpty();
            }
        }
    }

    @Test
    void theInjectedWriteIsTheGatewaysOwnMinusTheAnnouncement(RedisServer server) throws Exception {
        String tenant = redis.tenant();
        UnannouncedPublisher unannounced = UnannouncedPublisher.load(server);
        String first = rig.publish(0, tenant, "room:same", "{\"n\":1}");
        String lost = unannounced.publish(tenant, "room:same", "{\"n\":2}");
        String next = rig.publish(1, tenant, "room:same", "{\"n\":3}");
        // one sequence of ids, one epoch: the function could not tell the two writers apart
        assertThat(List.of(first, lost, next)).extracting(id -> id.substring(0, id.indexOf('.')))
                .containsExactly("1", "2", "3");
        assertThat(List.of(first, lost, next)).extracting(id -> id.substring(id.indexOf('.')))
                .containsOnly(first.substring(first.indexOf('.')));
    }
}

package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.core.broker.HistoryResult;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisSentinelGroup;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Sentinel-managed Redis failing over while the broker publishes and listens. */
class SentinelFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.sentinel();

    @Test
    void theBrokerFollowsTheNewMasterAndKeepsTheChannelsPosition(RedisSentinelGroup group) throws Exception {
        RecordingListener listener = new RecordingListener();
        try (RedisBroker broker = new RedisBroker(TestBrokers.config(group.uri(), null).build())) {
            broker.start(listener).get(30, TimeUnit.SECONDS);
            ChannelName room = ChannelName.of(redis.tenant(), "room:failover");
            broker.subscribe(room).get(10, TimeUnit.SECONDS);
            List<StreamPosition> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(broker.publish(new PublishRequest(room, "ev", Integer.toString(i), "k" + i)).get(10, TimeUnit.SECONDS));
            }
            // the replica has everything, so this failover loses nothing and keeps the epoch
            assertThat(group.master().cli("WAIT", "1", "5000")).isEqualTo("1");
            int oldMaster = group.currentMasterPort();
            group.failover();
            await().atMost(WAIT).until(() -> group.currentMasterPort() != oldMaster);

            StreamPosition after = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (after == null && System.nanoTime() < deadline) {
                try {
                    after = broker.publish(new PublishRequest(room, "ev", "3", "k3")).get(10, TimeUnit.SECONDS);
                    if (after.offset() != 4) {
                        after = null; // acknowledged by the demoted master before it turned read-only: retry is idempotent
                    }
                } catch (Exception e) {
                    Thread.sleep(100); // back-off between attempts, not synchronization
                }
            }
            assertThat(after).isNotNull();
            assertThat(after.epoch()).isEqualTo(ids.get(0).epoch());
            StreamPosition last = after;
            await().atMost(WAIT).until(() -> listener.of(room).stream().anyMatch(p -> last.equals(p.position())));
            HistoryResult history = broker.history(room, StreamPosition.start(last.epoch()), 10).get(10, TimeUnit.SECONDS);
            assertThat(history.recovered()).isTrue();
            assertThat(history.publications()).extracting(Publication::data).containsExactly("0", "1", "2", "3");
        }
    }
}

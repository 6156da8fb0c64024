package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.core.broker.PublishRequest;
import io.rtgw.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History reads while publications keep arriving live: what every resuming client does while a
 * channel is busy. A head that is only older than what was delivered meanwhile is no rollback;
 * the channel must keep its epoch (RedisOutageIT in gateway-server first showed it moving).
 */
class HistoryRaceTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    @Test
    void historyReadsRacingLivePublicationsKeepTheEpoch() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (RedisBroker broker = new RedisBroker(TestBrokers.config(redis.server().uri(), null).build())) {
            broker.start(listener).get(30, TimeUnit.SECONDS);
            ChannelName room = ChannelName.of(redis.tenant(), "room:busy");
            broker.subscribe(room).get(10, TimeUnit.SECONDS);
            StreamPosition first = broker.publish(new PublishRequest(room, "ev", "0", null)).get(10, TimeUnit.SECONDS);
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 1; i <= 400; i++) {
                inFlight.add(broker.publish(new PublishRequest(room, "ev", Integer.toString(i), null)));
                inFlight.add(broker.history(room, first, 10));
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.of(room).size() >= 401);
            assertThat(listener.of(room)).extracting(Publication::position)
                    .allMatch(p -> p.sameEpoch(first), "one epoch");
            assertThat(broker.history(room, null, 0).get(10, TimeUnit.SECONDS).head())
                    .isEqualTo(new StreamPosition(first.epoch(), first.offset() + 400));
        }
    }
}

package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.rtgw.core.broker.HistoryPolicies;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One set of Lettuce resources for the whole test run: creating them is the slow part. */
final class TestBrokers {
    static final ClientResources RESOURCES = DefaultClientResources.builder()
            .ioThreadPoolSize(2).computationThreadPoolSize(2)
            .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
            .build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RESOURCES.shutdown(0, 1, TimeUnit.SECONDS)));
    }

    private TestBrokers() {
    }

    static RedisBrokerConfig.Builder config(String url, HistoryPolicies policies) {
        RedisBrokerConfig.Builder builder = RedisBrokerConfig.builder(url);
        if (policies != null) {
            builder.policies(policies);
        }
        return builder
                .clientResources(RESOURCES)
                .probeInterval(Duration.ofMillis(200))
                .probeTimeout(Duration.ofSeconds(5))
                .retryDelay(Duration.ofMillis(200));
    }
}

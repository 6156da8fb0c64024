package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.SessionDirectory;
import io.rtgw.core.control.LocalControlPlane;
import io.rtgw.server.config.ConfigLoader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** ControlWiring picks the control plane by broker kind and hands the Redis one the node's own Redis settings. */
class ControlWiringTest {
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("RTGW_API_KEY", "key-0123456789abcdef",
                "RTGW_JWT_SECRET", RunningGateway.SECRET));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void theEmbeddedBrokerGetsTheInMemoryPlaneAndTheConfiguredNodeId() {
        var config = ConfigLoader.load(null, env("RTGW_NODE_ID", "node-x"), false);
        try (ControlWiring w = ControlWiring.create(config, new SessionDirectory(), null, (c, r, m, s, clock) -> {
            throw new AssertionError("no Redis plane with the embedded broker");
        })) {
            assertThat(w.plane()).isInstanceOf(LocalControlPlane.class);
            assertThat(w.nodeId()).isEqualTo("node-x");
        }
    }

    @Test
    void redisGetsThePlaneOfTheFactoryWithTheNodesRedisSettings() {
        var config = ConfigLoader.load(null, env("RTGW_REDIS_URL", "redis://127.0.0.1:1", "RTGW_REDIS_PREFIX", "app1",
                "RTGW_REPORT_INTERVAL", "2s", "RTGW_MAX_TOKEN_AGE", "1h", "RTGW_JWT_SKEW", "5s"), false);
        List<Object> seen = new CopyOnWriteArrayList<>();
        LocalControlPlane made = new LocalControlPlane(Duration.ZERO, Duration.ZERO, java.time.Clock.systemUTC());
        try (ControlWiring w = ControlWiring.create(config, new SessionDirectory(), null, (redis, report, maxAge, skew, clock) -> {
            seen.addAll(List.of(redis.url(), redis.keyPrefix(), report, maxAge, skew));
            return made;
        })) {
            assertThat(w.plane()).isSameAs(made);
            assertThat(seen).containsExactly("redis://127.0.0.1:1", "app1", Duration.ofSeconds(2), Duration.ofHours(1),
                    Duration.ofSeconds(5));
            assertThat(w.nodeId()).matches("[0-9a-z]+");
        }
    }
}

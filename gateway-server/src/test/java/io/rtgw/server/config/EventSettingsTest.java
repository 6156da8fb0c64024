package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.events.EventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RTGW_EVENTS* (docs/protocol.md §10): modes, what each needs, one clear line otherwise. */
class EventSettingsTest {
    private static GatewayConfig load(String... pairs) {
        return ConfigLoader.load(null, ConfigLoaderTest.env(pairs), false);
    }

    @Test
    void offByDefault() {
        EventSettings e = load().events();
        assertThat(e.on()).isFalse();
        assertThat(e.queue()).isEqualTo(100_000);
        assertThat(e.maxLen()).isEqualTo(100_000);
        assertThat(e.grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(e.types()).hasSize(6);
    }

    @Test
    void redisModeNeedsTheRedisBroker() {
        assertThatThrownBy(() -> load("RTGW_EVENTS", "redis"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RTGW_EVENTS: \"redis\" needs the Redis broker");
        assertThat(load("RTGW_EVENTS", "redis", "RTGW_REDIS_URL", "redis://127.0.0.1:6379").events().mode())
                .isEqualTo(EventSettings.Mode.REDIS);
    }

    @Test
    void webhookModeNeedsASecretWhichIsNeverPrinted() {
        assertThatThrownBy(() -> load("RTGW_EVENTS", "http://localhost:3000/rtgw-events"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RTGW_EVENTS_SECRET: missing");
        EventSettings e = load("RTGW_EVENTS", "http://localhost:3000/rtgw-events", "RTGW_EVENTS_SECRET", "s3cr3t-value",
                "RTGW_EVENTS_TYPES", "online,offline", "RTGW_EVENTS_GRACE", "0").events();
        assertThat(e.mode()).isEqualTo(EventSettings.Mode.WEBHOOK);
        assertThat(e.url().orElseThrow().getPort()).isEqualTo(3000);
        assertThat(e.types()).containsExactlyInAnyOrder(EventType.ONLINE, EventType.OFFLINE);
        assertThat(e.grace()).isZero();
        assertThat(e.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> load("RTGW_EVENTS", "kafka")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RTGW_EVENTS").hasMessageContaining("is not an events mode");
        assertThatThrownBy(() -> load("RTGW_EVENTS_TYPES", "online,joined")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RTGW_EVENTS_TYPES").hasMessageContaining("joined");
        assertThatThrownBy(() -> load("RTGW_EVENTS_QUEUE", "0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RTGW_EVENTS_QUEUE");
    }
}

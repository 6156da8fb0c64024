package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example file is documentation; this keeps it loadable as the settings evolve. */
class ConfigExampleFileTest {
    static final Path EXAMPLE = Path.of("..", "docker", "rtgw.example.yml");

    @Test
    void exampleFileLoads() {
        assertThat(Files.isRegularFile(EXAMPLE)).as(EXAMPLE.toAbsolutePath().toString()).isTrue();
        GatewayConfig c = ConfigLoader.load(EXAMPLE, Map.of("RTGW_API_KEY", "k"), false);
        assertThat(c.network().adminBind()).isEqualTo("127.0.0.1");
        assertThat(c.jwt().jwksUrl()).isPresent();
        assertThat(c.namespace("room").presence()).isFalse();
        assertThat(c.namespace("dashboard").history().ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.namespace("dashboard").clientPublish()).isFalse();
    }
}

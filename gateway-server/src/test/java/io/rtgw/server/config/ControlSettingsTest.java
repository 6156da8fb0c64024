package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlSettingsTest {
    private static ControlSettings load(String... pairs) {
        return ConfigLoader.load(null, ConfigLoaderTest.env(pairs), false).control();
    }

    @Test
    void defaultsAndOverrides() {
        ControlSettings defaults = load();
        assertThat(defaults.reportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.maxTokenAge()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.nodeId()).isEmpty();
        ControlSettings set = load("RTGW_REPORT_INTERVAL", "250ms", "RTGW_MAX_TOKEN_AGE", "0", "RTGW_NODE_ID", "pod-7.eu_1");
        assertThat(set.reportInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(set.maxTokenAge()).isZero();
        assertThat(set.nodeId()).hasValue("pod-7.eu_1");
    }

    @Test
    void badValuesStopTheStartNamingTheSetting() {
        for (String[] bad : new String[][] {{"RTGW_REPORT_INTERVAL", "50ms"}, {"RTGW_MAX_TOKEN_AGE", "soon"},
                {"RTGW_NODE_ID", "a b"}, {"RTGW_NODE_ID", "x".repeat(65)}}) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(bad));
            assertThat(e).as(String.join("=", bad)).isNotNull();
            assertThat(e.getMessage()).contains(bad[0]);
        }
    }
}

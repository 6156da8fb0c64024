package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigFormatsTest {
    @ParameterizedTest
    @CsvSource({"500ms,500", "25s,25000", "25,25000", "10m,600000", "1h,3600000", "2d,172800000", "0,0", "7 S,7000"})
    void durations(String text, long millis) {
        assertThat(Formats.duration(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1.5s", "-1s", "10w", "PT10S", "1m30s"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Formats.duration(text)).isInstanceOf(Formats.BadValue.class);
    }

    @ParameterizedTest
    @CsvSource({"512,512", "512B,512", "64KiB,65536", "64kib,65536", "1MiB,1048576", "1GiB,1073741824",
            "64KB,64000", "1MB,1000000", "2 GB,2000000000"})
    void sizes(String text, long bytes) {
        assertThat(Formats.size(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "64K", "1.5MiB", "-1", "99999999999999GiB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Formats.size(text)).isInstanceOf(Formats.BadValue.class);
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "1,true", "false,false", "no,false", "0,false"})
    void booleans(String text, boolean value) {
        assertThat(Formats.bool(text)).isEqualTo(value);
    }

    @Test
    void badBoolean() {
        assertThatThrownBy(() -> Formats.bool("on")).isInstanceOf(Formats.BadValue.class);
    }

    @ParameterizedTest
    @CsvSource({"10,10", "0.5,0.5", "20/s,20", "0,0"})
    void rates(String text, double value) {
        assertThat(Formats.rate(text)).isEqualTo(value);
    }

    @Test
    void formatsForMessages() {
        assertThat(Formats.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Formats.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Formats.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Formats.formatSize(65536)).isEqualTo("64KiB");
        assertThat(Formats.formatSize(1000)).isEqualTo("1000");
    }
}

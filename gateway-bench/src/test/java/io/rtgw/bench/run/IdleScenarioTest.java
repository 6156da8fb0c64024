package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.bench.Options;
import org.junit.jupiter.api.Test;

class IdleScenarioTest {
    @Test
    void theFirstAndTheWarmWaveKeepTheirRowKeysWhateverTheCount() {
        assertThat(IdleScenario.waveKey(1, false)).isEqualTo("idle.");
        assertThat(IdleScenario.waveKey(2, true)).isEqualTo("idle.warm.");
        assertThat(IdleScenario.waveKey(3, false)).isEqualTo("idle.wave3.");
        assertThat(IdleScenario.waveKey(6, true)).isEqualTo("idle.warm.");
        assertThat(IdleScenario.waveSuffix(1, false)).isEmpty();
        assertThat(IdleScenario.waveSuffix(3, false)).isEqualTo(" (wave 3)");
        assertThat(IdleScenario.waveSuffix(6, true)).isEqualTo(" (wave 6, warm)");
    }

    @Test
    void aFixedCountEndsAtItsLastWaveWhateverTheCompilerDoes() {
        IdleScenario.WaveCount three = IdleScenario.WaveCount.parse("3");
        assertThat(three.auto()).isFalse();
        assertThat(three.last(2, 0.0)).isFalse();
        assertThat(three.last(3, 0.9)).isTrue();
        assertThat(IdleScenario.WaveCount.parse("2").last(2, 0.5)).isTrue();
    }

    @Test
    void autoGoesOnUntilTheCompilerIsNearlyQuietOrTheCapIsReached() {
        IdleScenario.WaveCount auto = IdleScenario.WaveCount.parse("auto");
        assertThat(auto.auto()).isTrue();
        assertThat(auto.last(2, 0.45)).isFalse();
        assertThat(auto.last(5, 0.10)).isFalse();
        assertThat(auto.last(6, 0.09)).isTrue();
        assertThat(auto.last(2, 0.0)).isTrue(); // a peer without a JIT
        assertThat(auto.last(IdleScenario.WaveCount.MAX_AUTO, 0.5)).isTrue();
    }

    @Test
    void wavesAreAutoByDefaultAndNeverFewerThanTwo() throws Exception {
        Settings defaults = new Settings("idle", Options.parse());
        assertThat(defaults.waves.auto()).isTrue();
        assertThat(defaults.profileSettings).isNull();
        assertThat(defaults.asMap()).containsEntry("waves", "auto");
        Settings fixed = new Settings("idle", Options.parse("--waves", "5", "--profile-warm"));
        assertThat(fixed.waves).isEqualTo(new IdleScenario.WaveCount(5));
        assertThat(fixed.asMap()).containsEntry("waves", "5");
        assertThat(fixed.profileSettings).isEqualTo("profile");
        assertThat(new Settings("idle", Options.parse("--profile-warm", "/tmp/fast.jfc")).profileSettings).isEqualTo("/tmp/fast.jfc");
        assertThatThrownBy(() -> new Settings("idle", Options.parse("--waves", "1"))).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new Settings("idle", Options.parse("--waves", "many"))).hasMessageContaining("'many'");
    }
}

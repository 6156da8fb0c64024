package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.bench.Options;
import org.junit.jupiter.api.Test;

class IdleScenarioTest {
    @Test
    void theFirstAndTheLastWaveKeepTheirRowKeysWhateverTheCount() {
        assertThat(IdleScenario.waveKey(1, 2)).isEqualTo("idle.");
        assertThat(IdleScenario.waveKey(2, 2)).isEqualTo("idle.warm.");
        assertThat(IdleScenario.waveKey(1, 4)).isEqualTo("idle.");
        assertThat(IdleScenario.waveKey(2, 4)).isEqualTo("idle.wave2.");
        assertThat(IdleScenario.waveKey(3, 4)).isEqualTo("idle.wave3.");
        assertThat(IdleScenario.waveKey(4, 4)).isEqualTo("idle.warm.");
    }

    @Test
    void theWarmRowSaysWhichWaveItIs() {
        assertThat(IdleScenario.waveSuffix(1, 3)).isEmpty();
        assertThat(IdleScenario.waveSuffix(2, 3)).isEqualTo(" (wave 2 of 3)");
        assertThat(IdleScenario.waveSuffix(3, 3)).isEqualTo(" (wave 3 of 3, warm)");
    }

    @Test
    void threeWavesByDefaultAndNeverFewerThanTwo() throws Exception {
        Settings defaults = new Settings("idle", Options.parse());
        assertThat(defaults.waves).isEqualTo(3);
        assertThat(defaults.profileWarm).isFalse();
        assertThat(defaults.asMap()).containsEntry("waves", "3");
        Settings more = new Settings("idle", Options.parse("--waves", "5", "--profile-warm"));
        assertThat(more.waves).isEqualTo(5);
        assertThat(more.profileWarm).isTrue();
        assertThatThrownBy(() -> new Settings("idle", Options.parse("--waves", "1"))).hasMessageContaining("at least 2");
    }
}

package io.rtgw.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitTest {
    private final AtomicLong now = new AtomicLong();
    private final Circuit circuit = new Circuit(now::get, 100);

    private void failTimes(int n) {
        for (int i = 0; i < n; i++) {
            circuit.failed();
        }
    }

    @Test
    void opensAfterFailuresInARowOnly() {
        failTimes(Circuit.FAILURES - 1);
        circuit.succeeded();
        failTimes(Circuit.FAILURES - 1);
        assertThat(circuit.allows()).isTrue();
        circuit.failed();
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.allows()).isFalse();
    }

    @Test
    void afterTheOpenPeriodOneProbeGoesOutAndItsAnswerDecides() {
        failTimes(Circuit.FAILURES);
        now.addAndGet(100);
        assertThat(circuit.allows()).as("the probe").isTrue();
        assertThat(circuit.allows()).as("only one").isFalse();
        circuit.failed();
        assertThat(circuit.allows()).as("open again").isFalse();
        now.addAndGet(100);
        assertThat(circuit.allows()).isTrue();
        circuit.succeeded();
        assertThat(circuit.isOpen()).isFalse();
        assertThat(circuit.allows()).isTrue();
        assertThat(circuit.allows()).isTrue();
    }
}

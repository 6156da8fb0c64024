package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default socket cap always leaves the admin listener files below the process's limit. */
class SocketCapTest {
    @Test
    void aTenthOfTheFileLimitIsKeptBackWithinBounds() {
        assertThat(SocketCap.belowFileLimit(20_000)).isEqualTo(18_000);
        assertThat(SocketCap.belowFileLimit(1024)).isEqualTo(1024 - SocketCap.MIN_RESERVE);
        assertThat(SocketCap.belowFileLimit(1_048_576)).isEqualTo(1_048_576 - SocketCap.MAX_RESERVE);
        assertThat(SocketCap.belowFileLimit(300)).isEqualTo(150);
    }

    @Test
    void anUnknownLimitLeavesTheSocketsUncapped() {
        assertThat(SocketCap.belowFileLimit(-1)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void thisProcessGetsACapBelowItsFileLimit() {
        assertThat(AbuseLimits.NONE.socketCap()).isPositive();
        assertThat(AbuseLimits.NONE.withMaxSockets(7).socketCap()).isEqualTo(7);
    }
}

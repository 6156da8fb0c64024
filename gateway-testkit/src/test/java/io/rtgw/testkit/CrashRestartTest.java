package io.rtgw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What crash tests rely on: SIGKILL loses nothing Redis acknowledged when it fsyncs every write. */
class CrashRestartTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendFsyncAlways()
            .withArgs("--enable-debug-command", "local");

    @Test
    void aCrashedServerComesBackOnItsPortWithEveryAcknowledgedWrite(RedisServer server) {
        int port = server.port();
        String key = redis.keyPrefix() + ":s";
        for (int i = 0; i < 50; i++) {
            server.cli("XADD", key, (i + 1) + "-0", "n", Integer.toString(i));
        }
        server.crash();
        assertThat(server.isRunning()).isFalse();
        server.restart();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.cli("XLEN", key)).isEqualTo("50");
    }

    @Test
    void extraArgumentsReachTheServer(RedisServer server) {
        assertThat(server.cli("CONFIG", "GET", "appendfsync")).contains("always");
        assertThat(server.cli("DEBUG", "SLEEP", "0")).isEqualTo("OK");
    }
}

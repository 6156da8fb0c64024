package io.rtgw.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisServerExtensionTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated().appendOnly();

    @Test
    void aDedicatedServerKeepsItsPortAndAppendOnlyDataAcrossARestart(RedisServer server) {
        int port = server.port();
        server.cli("SET", redis.keyPrefix() + ":k", "v");
        server.stop();
        assertThat(server.isRunning()).isFalse();
        server.restart();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.cli("GET", redis.keyPrefix() + ":k")).isEqualTo("v");
        server.flushAll();
        assertThat(server.cli("DBSIZE")).isEqualTo("0");
    }

    @Test
    void eachTestHasItsOwnTenantAndPrefix() {
        assertThat(redis.tenant()).matches("[A-Za-z0-9_-]{1,64}");
        assertThat(redis.keyPrefix()).isNotBlank();
    }

    @Test
    void theRawClientIsBinarySafe(RedisServer server) {
        byte[] value = {(byte) 0xff, 0, 'x', '\r', '\n'};
        server.command(RespClient.utf8("SET"), RespClient.utf8("bin"), value);
        assertThat(server.command(RespClient.utf8("STRLEN"), RespClient.utf8("bin"))).containsExactly("5");
    }
}

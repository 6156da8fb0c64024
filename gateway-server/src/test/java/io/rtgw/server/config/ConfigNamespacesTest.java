package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.ChannelName;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigNamespacesTest {
    @TempDir
    Path dir;

    GatewayConfig load(String yaml) throws IOException {
        Path file = dir.resolve("rtgw.yml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, ConfigLoaderTest.env(), false);
    }

    @Test
    void unspecifiedFieldsFallBackToTheDefaults() throws IOException {
        GatewayConfig c = load("""
                history_size: 20
                history_ttl: 30m
                namespaces:
                  room: { history_size: 50, history_ttl: 5m, client_publish: true, presence: false }
                  feed: { history_ttl: 2h }
                  chat:
                """);
        assertThat(c.namespace("room")).isEqualTo(
                new NamespaceSettings("room", new HistoryPolicy(50, Duration.ofMinutes(5)), true, false));
        assertThat(c.namespace("feed")).isEqualTo(
                new NamespaceSettings("feed", new HistoryPolicy(20, Duration.ofHours(2)), true, false));
        assertThat(c.namespace("chat").history()).isEqualTo(new HistoryPolicy(20, Duration.ofMinutes(30)));
        assertThat(c.namespace("other")).isEqualTo(
                new NamespaceSettings("other", new HistoryPolicy(20, Duration.ofMinutes(30)), true, false));

        HistoryPolicies policies = c.historyPolicies();
        assertThat(policies.forChannel(ChannelName.of("acme", "room:1"))).isEqualTo(new HistoryPolicy(50, Duration.ofMinutes(5)));
        assertThat(policies.forChannel(ChannelName.of("acme", "feed:x"))).isEqualTo(new HistoryPolicy(20, Duration.ofHours(2)));
        assertThat(policies.forChannel(ChannelName.of("acme", "dashboard:7"))).isEqualTo(new HistoryPolicy(20, Duration.ofMinutes(30)));
        assertThat(policies.maxSize()).isEqualTo(50);
    }

    @Test
    void presenceIsOffUnlessANamespaceTurnsItOn() throws IOException {
        GatewayConfig c = load("""
                namespaces:
                  room: { presence: true }
                  feed: { history_size: 5 }
                """);
        assertThat(c.namespace("room").presence()).isTrue();
        assertThat(c.namespace("feed").presence()).as("a listed namespace that does not set it").isFalse();
        assertThat(c.namespace("other").presence()).as("an unlisted namespace").isFalse();
    }

    @Test
    void joinLeaveIsAcceptedOffByDefaultAndIndependentOfPresence() throws IOException {
        GatewayConfig c = load("""
                namespaces:
                  chat: { join_leave: true }
                  room: { presence: true }
                """);
        assertThat(c.namespace("chat").joinLeave()).isTrue();
        assertThat(c.namespace("chat").presence()).isFalse();
        assertThat(c.namespace("room").joinLeave()).as("a listed namespace that does not set it").isFalse();
        assertThat(c.namespace("other").joinLeave()).as("an unlisted namespace").isFalse();
        var joinLeave = c.namespaceFlag(NamespaceSettings::joinLeave);
        var presence = c.namespaceFlag(NamespaceSettings::presence);
        assertThat(List.of(joinLeave.test("chat"), joinLeave.test("room"), joinLeave.test("other"))).containsExactly(true, false, false);
        assertThat(List.of(presence.test("chat"), presence.test("room"), presence.test("other"))).containsExactly(false, true, false);
        assertThatThrownBy(() -> load("namespaces:\n  chat: { join_leave: often }\n"))
                .hasMessageContaining("namespaces.chat.join_leave: \"often\" is not a boolean");
    }

    @Test
    void thePresenceIntervalDefaultsTo10sAndHasAFloor() throws IOException {
        assertThat(ConfigLoader.load(null, ConfigLoaderTest.env(), false).control().presenceInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigLoader.load(null, ConfigLoaderTest.env("RTGW_PRESENCE_INTERVAL", "250ms"), false)
                .control().presenceInterval()).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> ConfigLoader.load(null, ConfigLoaderTest.env("RTGW_PRESENCE_INTERVAL", "50ms"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RTGW_PRESENCE_INTERVAL");
    }

    @Test
    void envHistoryDefaultsReachUnconfiguredFieldsOfNamespaces() throws IOException {
        Path file = dir.resolve("rtgw.yml");
        Files.writeString(file, "namespaces: { room: { presence: false } }\n");
        GatewayConfig c = ConfigLoader.load(file, ConfigLoaderTest.env("RTGW_HISTORY_SIZE", "3"), false);
        assertThat(c.namespace("room").history().size()).isEqualTo(3);
    }

    @Test
    void unknownNamespaceFieldIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> load("namespaces:\n  room: { histroy_size: 5 }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(": namespaces.room: histroy_size is not a namespace setting (did you mean history_size?)"
                        + " (expected: one of history_size, history_ttl, client_publish, presence, join_leave, events,"
                        + " subscribe_hook, publish_hook)");
    }

    @Test
    void badNamespaceValuesNameTheirPath() {
        assertThatThrownBy(() -> load("namespaces:\n  room: { history_ttl: 0s }\n"))
                .hasMessageEndingWith("rtgw.yml: namespaces.room.history_ttl: \"0s\" is too short "
                        + "(expected: a duration of at least 1s, like 25s)");
        assertThatThrownBy(() -> load("namespaces:\n  room: { presence: maybe }\n"))
                .hasMessageContaining("namespaces.room.presence: \"maybe\" is not a boolean");
        assertThatThrownBy(() -> load("namespaces:\n  \"bad/name\": {}\n"))
                .hasMessageContaining("namespaces.bad/name: \"bad/name\" is not a namespace name");
        assertThatThrownBy(() -> load("namespaces: [room]\n"))
                .hasMessageContaining("namespaces: expected a map of namespace name");
    }

    @Test
    void namespacesCannotComeFromTheEnvironment() {
        assertThatThrownBy(() -> ConfigLoader.load(null, ConfigLoaderTest.env("RTGW_NAMESPACES", "room"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RTGW_NAMESPACES: cannot be set in the environment (expected: a namespaces: section in the --config file)");
    }
}

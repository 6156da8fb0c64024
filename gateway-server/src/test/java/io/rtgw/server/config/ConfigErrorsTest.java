package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad configuration gives one line that names the setting as the user wrote it. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    static String messageFor(Path file, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env, false));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
        return e.getMessage();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            RTGW_HEARTBEAT       | 0s        | RTGW_HEARTBEAT: "0s" is too short (expected: a duration of at least 1s, like 25s)
            RTGW_HEARTBEAT       | 25 secs   | RTGW_HEARTBEAT: "25 secs" is not a duration (expected: a duration like 500ms, 25s, 10m, 1h or 2d (a plain number is seconds))
            RTGW_DRAIN           | -1s       | RTGW_DRAIN: "-1s" is not a duration
            RTGW_PUBLIC_PORT     | 70000     | RTGW_PUBLIC_PORT: "70000" is too large (expected: a port from 0 to 65535 (0 = pick a free one))
            RTGW_ADMIN_PORT      | http      | RTGW_ADMIN_PORT: "http" is not a whole number (expected: a port from 0 to 65535
            RTGW_ADMIN_PORT      | 8080      | RTGW_ADMIN_PORT: "8080" makes the admin and public listeners share a port
            RTGW_BIND            | 0.0.0.0:80 | RTGW_BIND: "0.0.0.0:80" is not an address (expected: an IP address or host name
            RTGW_ADMIN_BIND      | 300.1.1.1 | RTGW_ADMIN_BIND: "300.1.1.1" is not an address
            RTGW_MAX_MESSAGE     | 64 KiBs   | RTGW_MAX_MESSAGE: "64 KiBs" has an unknown size unit (expected: a size like 512, 64KiB or 1MiB
            RTGW_MAX_MESSAGE     | 100       | RTGW_MAX_MESSAGE: "100" is too small (expected: a size from 1KiB to 64MiB, like 64KiB)
            RTGW_OUTBOUND_QUEUE  | 32KiB     | RTGW_OUTBOUND_QUEUE: "32KiB" makes the outbound queue (32KiB) smaller than max_message (64KiB)
            RTGW_QUERY_TOKEN     | maybe     | RTGW_QUERY_TOKEN: "maybe" is not a boolean (expected: true, false, yes, no, 1 or 0)
            RTGW_HISTORY_SIZE    | -1        | RTGW_HISTORY_SIZE: "-1" is too small (expected: a whole number from 0 to 1000000
            RTGW_HISTORY_TTL     | 0         | RTGW_HISTORY_TTL: "0" is too short (expected: a duration of at least 1s
            RTGW_SUBSCRIPTION_LINGER | 55s   | RTGW_SUBSCRIPTION_LINGER: "55s" is too short (expected: a duration over 55s
            RTGW_JWT_SKEW        | 1h        | RTGW_JWT_SKEW: "1h" is too long (expected: a duration of at most 10m, like 30s)
            RTGW_JWT_JWKS_URL    | ftp://x/jwks | RTGW_JWT_JWKS_URL: "ftp://x/jwks" is not an http(s) URL
            RTGW_SINGLE_TENANT   | a b       | RTGW_SINGLE_TENANT: "a b" is not a valid tenant id
            RTGW_TOKEN_COOKIE    | my cookie | RTGW_TOKEN_COOKIE: "my cookie" is not a cookie name
            RTGW_REDIS_PREFIX    | {rtgw}    | RTGW_REDIS_PREFIX: "{rtgw}" is not a key prefix
            RTGW_REDIS_QUEUE     | 0         | RTGW_REDIS_QUEUE: "0" is too small (expected: a whole number from 16 to 10000000, like 10000)
            RTGW_REDIS_IO        | isolated  | RTGW_REDIS_IO: "isolated" is not a Redis I/O mode (expected: shared (the node's event loops) or own (Lettuce's, isolated from client I/O))
            RTGW_REDIS_PROBE_INTERVAL | 10ms | RTGW_REDIS_PROBE_INTERVAL: "10ms" is too short (expected: a duration of at least 100ms
            RTGW_ALLOWED_ORIGINS | https://a.example.com/ | RTGW_ALLOWED_ORIGINS: "https://a.example.com/" is not an origin (expected: comma-separated origins
            RTGW_ALLOWED_ORIGINS | *         | RTGW_ALLOWED_ORIGINS: "*" is not an origin (expected: leave the setting unset to allow every origin
            RTGW_TRUSTED_PROXIES | proxy.local | RTGW_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR block
            RTGW_TRUSTED_PROXIES | 10.1.2.3/8 | RTGW_TRUSTED_PROXIES: "10.1.2.3/8" has bits set after the prefix (expected: a network address like 10.0.0.0/8
            RTGW_TRUSTED_PROXIES | 10.0.0.0/33 | RTGW_TRUSTED_PROXIES: "10.0.0.0/33" has a bad prefix length
            RTGW_MAX_SUBSCRIPTIONS | 0       | RTGW_MAX_SUBSCRIPTIONS: "0" is too small (expected: a whole number from 1 to 1000000, like 128)
            RTGW_MAX_CONNECTIONS | -5        | RTGW_MAX_CONNECTIONS: "-5" is too small (expected: a whole number, 0 = unlimited)
            RTGW_COMMAND_RATE    | fast      | RTGW_COMMAND_RATE: "fast" is not a rate (expected: a number per second, like 10, 0.5 or 10/s (0 = unlimited))
            RTGW_LOG_FORMAT      | xml       | RTGW_LOG_FORMAT: "xml" is not a log format (expected: text or json)
            RTGW_TENANT_METRICS_MAX | 0      | RTGW_TENANT_METRICS_MAX: "0" is too small
            RTGW_IDEMPOTENCY_WINDOW | 10ms   | RTGW_IDEMPOTENCY_WINDOW: "10ms" is too short
            RTGW_AUTH_TIMEOUT    | 1d1h      | RTGW_AUTH_TIMEOUT: "1d1h" is not a duration
            RTGW_TENANT_API_KEYS | acme=key  | RTGW_TENANT_API_KEYS: the value has an entry without a tenant (expected: tenant:key1;key2,tenant2:key3
            RTGW_TENANT_API_KEYS | bad/tenant:k | RTGW_TENANT_API_KEYS: "bad/tenant" is not a valid tenant id
            RTGW_TENANT_API_KEYS | acme:key-1 | RTGW_TENANT_API_KEYS: the value gives tenant acme a key that is also a global key
            """)
    void badEnvValue(String name, String value, String expectedStart) {
        String message = messageFor(null, ConfigLoaderTest.env(name, value));
        assertThat(message).startsWith(expectedStart.strip());
    }

    @Test
    void secretsAreNeverEchoed() {
        String message = messageFor(null, ConfigLoaderTest.env("RTGW_JWT_SECRET", "short-secret-123"));
        assertThat(message).isEqualTo("RTGW_JWT_SECRET: the value is 16 bytes long, too short "
                + "(expected: at least 32 bytes; make one with: openssl rand -base64 32)");
        String redis = messageFor(null, ConfigLoaderTest.env("RTGW_REDIS_URL", "http://user:hunter2@host"));
        assertThat(redis).startsWith("RTGW_REDIS_URL: the value is not a Redis URL").doesNotContain("hunter2");
        String key = messageFor(null, ConfigLoaderTest.env("RTGW_API_KEY", "has space"));
        assertThat(key).startsWith("RTGW_API_KEY: the value contains a key with a space").doesNotContain("has space");
    }

    @Test
    void publicKeyProblems() throws IOException {
        Path missing = dir.resolve("nope.pem");
        assertThat(messageFor(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_PUBLIC_KEY", missing.toString())))
                .startsWith("RTGW_JWT_PUBLIC_KEY: cannot read key file \"" + missing + "\"");
        String privateKey = ConfigLoaderTest.pem("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
        assertThat(messageFor(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_PUBLIC_KEY", privateKey)))
                .startsWith("RTGW_JWT_PUBLIC_KEY: contains a private key (expected: only the public key;");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
        assertThat(messageFor(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_PUBLIC_KEY", garbage.toString())))
                .startsWith("RTGW_JWT_PUBLIC_KEY: contains no PEM block");
    }

    Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("rtgw.yml"), text);
    }

    @Test
    void yamlValueErrorsNameFileAndKey() throws IOException {
        Path file = yaml("heartbeat: 0s\n");
        assertThat(messageFor(file, ConfigLoaderTest.env()))
                .isEqualTo(file + ": heartbeat: \"0s\" is too short (expected: a duration of at least 1s, like 25s)");
    }

    @Test
    void unknownYamlKeyIsRefusedWithASuggestion() throws IOException {
        Path file = yaml("heartbaet: 5s\n");
        assertThat(messageFor(file, ConfigLoaderTest.env())).isEqualTo(file
                + ": heartbaet is not a known setting (did you mean heartbeat?) (expected: a key listed in docs/configuration.md)");
        assertThat(messageFor(yaml("colour: blue\n"), ConfigLoaderTest.env()))
                .endsWith(": colour is not a known setting (expected: a key listed in docs/configuration.md)");
    }

    @Test
    void devIsNotASettingOfTheFile() throws IOException {
        assertThat(messageFor(yaml("dev: true\n"), Map.of())).contains(": dev is not a known setting");
    }

    @Test
    void yamlSyntaxErrorGivesLineAndColumn() throws IOException {
        Path file = yaml("heartbeat: 5s\nbind: [127.0.0.1\n");
        assertThat(messageFor(file, ConfigLoaderTest.env()))
                .startsWith(file + ": YAML syntax error at line ")
                .endsWith("(expected: valid YAML, see docker/rtgw.example.yml)");
    }

    @Test
    void duplicateYamlKeyIsAnError() throws IOException {
        Path file = yaml("heartbeat: 5s\nheartbeat: 6s\n");
        assertThat(messageFor(file, ConfigLoaderTest.env())).startsWith(file + ": YAML syntax error").contains("heartbeat");
    }

    @Test
    void missingFileIsAnError() {
        Path file = dir.resolve("absent.yml");
        assertThat(messageFor(file, ConfigLoaderTest.env()))
                .isEqualTo("--config " + file + ": file not found (expected: a readable YAML file)");
    }

    @Test
    void yamlTopLevelMustBeAMap() throws IOException {
        Path file = yaml("- heartbeat\n");
        assertThat(messageFor(file, ConfigLoaderTest.env()))
                .isEqualTo(file + ": expected a map of settings at the top level (like heartbeat: 25s)");
    }

    @Test
    void yamlListWhereOneValueIsExpected() throws IOException {
        Path file = yaml("heartbeat: [5s, 6s]\n");
        assertThat(messageFor(file, ConfigLoaderTest.env()))
                .isEqualTo(file + ": heartbeat: expected a single value, found a list");
    }
}

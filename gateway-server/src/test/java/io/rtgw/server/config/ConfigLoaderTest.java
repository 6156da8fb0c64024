package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.ChannelName;
import io.rtgw.core.broker.HistoryPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final Map<String, String> CREDENTIALS = Map.of("RTGW_API_KEY", "key-1", "RTGW_JWT_SECRET", SECRET);

    @TempDir
    Path dir;

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    Path yaml(String text) throws IOException {
        Path file = dir.resolve("rtgw.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaults() {
        GatewayConfig c = ConfigLoader.load(null, env(), false);
        assertThat(c.network().publicPort()).isEqualTo(8080);
        assertThat(c.network().adminPort()).isEqualTo(9090);
        assertThat(c.network().bind()).isEqualTo("0.0.0.0");
        assertThat(c.network().adminBind()).isEqualTo("0.0.0.0");
        assertThat(c.network().originCheck()).isFalse();
        assertThat(c.network().trustedProxies()).isEmpty();
        assertThat(c.apiKeys().global()).containsExactly("key-1");
        assertThat(c.apiKeys().byTenant()).isEmpty();
        assertThat(c.jwt().secret()).contains(SECRET);
        assertThat(c.jwt().skew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.jwt().tenantClaim()).isEqualTo("tenant");
        assertThat(c.jwt().requireExp()).isTrue();
        assertThat(c.jwt().issuer()).isEmpty();
        assertThat(c.jwt().audience()).isEmpty();
        assertThat(c.jwt().singleTenant()).isEmpty();
        assertThat(c.broker().embedded()).isTrue();
        assertThat(c.broker().redisPrefix()).isEqualTo("rtgw");
        assertThat(c.broker().redisQueue()).isEqualTo(10_000);
        assertThat(c.broker().redisIo()).isEqualTo(BrokerSettings.RedisIo.SHARED);
        assertThat(c.broker().redisProbeInterval()).isEqualTo(Duration.ofSeconds(5));
        ConnectionSettings conn = c.connections();
        assertThat(conn.heartbeat()).isEqualTo(Duration.ofSeconds(25));
        assertThat(conn.authTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(conn.expiringLead()).isEqualTo(Duration.ofSeconds(60));
        assertThat(conn.unlimitedLifetime()).isTrue();
        assertThat(conn.personalChannel()).isTrue();
        assertThat(conn.tokenCookie()).isEqualTo("rtgw_token");
        assertThat(conn.queryToken()).isFalse();
        assertThat(conn.maxMessage()).isEqualTo(64 * 1024);
        assertThat(conn.outboundQueue()).isEqualTo(1024 * 1024);
        assertThat(conn.subscriptionLinger()).isEqualTo(Duration.ofSeconds(70));
        LimitSettings limits = c.limits();
        assertThat(limits.maxConnections()).isZero();
        assertThat(limits.maxConnectionsPerTenant()).isZero();
        assertThat(limits.maxConnectionsPerUser()).isZero();
        assertThat(limits.maxSubscriptions()).isEqualTo(128);
        assertThat(limits.clientPublishRate()).isEqualTo(10);
        assertThat(limits.commandRate()).isEqualTo(100);
        assertThat(limits.commandBurst()).isEqualTo(200);
        assertThat(limits.connectRatePerIp()).isZero();
        assertThat(c.drain()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.idempotencyWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.observability().logFormat()).isEqualTo(ObservabilitySettings.LogFormat.TEXT);
        assertThat(c.observability().tenantMetrics()).isFalse();
        assertThat(c.observability().tenantMetricsMax()).isEqualTo(100);
        assertThat(c.historyPolicies().forChannel(ChannelName.of("acme", "room:1")))
                .isEqualTo(new HistoryPolicy(100, Duration.ofMinutes(10)));
        assertThat(c.dev()).isFalse();
        assertThat(c.generatedSecrets()).isEmpty();
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void readsEverySettingFromYaml() throws IOException {
        Path file = yaml("""
                public_port: 0
                admin_port: 9191
                bind: 127.0.0.1
                allowed_origins: [https://App.example.com, "http://localhost:3000"]
                trusted_proxies: 10.0.0.0/8, ::1
                api_key: [old-key, new-key]
                tenant_api_keys:
                  acme: [acme-1, acme-2]
                  globex: globex-1
                jwt_secret: "%s"
                jwt_skew: 5s
                jwt_tenant_claim: org
                jwt_issuer: https://auth.example.com
                jwt_audience: rtgw
                jwt_require_exp: no
                single_tenant: main
                token_cookie: sess
                query_token: yes
                auth_timeout: 500ms
                expiring_lead: 2m
                max_lifetime: 1d
                personal_channel: false
                redis_url: redis://localhost:6379
                redis_prefix: gw
                redis_queue: 500
                redis_io: own
                heartbeat: 10
                history_size: 5
                history_ttl: 1h
                drain: 0s
                max_message: 128KB
                outbound_queue: 2MiB
                subscription_linger: 2m
                idempotency_window: 1h
                max_connections: 1000
                max_connections_per_tenant: 100
                max_connections_per_user: 10
                max_subscriptions: 16
                client_publish_rate: 0.5
                command_rate: 20/s
                connect_rate_per_ip: 5
                log_format: JSON
                tenant_metrics: 1
                tenant_metrics_max: 20
                """.formatted(SECRET));
        GatewayConfig c = ConfigLoader.load(file, Map.of(), false);
        assertThat(c.network().publicPort()).isZero();
        assertThat(c.network().adminPort()).isEqualTo(9191);
        assertThat(c.network().adminBind()).isEqualTo("127.0.0.1");
        assertThat(c.network().allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
        assertThat(c.network().trustedProxies()).hasSize(2);
        assertThat(c.network().trustedProxies().get(0).contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(c.network().trustedProxies().get(0).contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(c.network().trustedProxies().get(1).contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(c.apiKeys().global()).containsExactly("old-key", "new-key");
        assertThat(c.apiKeys().byTenant()).containsExactlyInAnyOrderEntriesOf(
                Map.of("acme", List.of("acme-1", "acme-2"), "globex", List.of("globex-1")));
        assertThat(c.jwt().skew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.jwt().tenantClaim()).isEqualTo("org");
        assertThat(c.jwt().issuer()).contains("https://auth.example.com");
        assertThat(c.jwt().audience()).contains("rtgw");
        assertThat(c.jwt().requireExp()).isFalse();
        assertThat(c.jwt().singleTenant()).contains("main");
        assertThat(c.connections().tokenCookie()).isEqualTo("sess");
        assertThat(c.connections().queryToken()).isTrue();
        assertThat(c.connections().authTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.connections().expiringLead()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.connections().maxLifetime()).isEqualTo(Duration.ofDays(1));
        assertThat(c.connections().personalChannel()).isFalse();
        assertThat(c.broker().redisUrl()).contains("redis://localhost:6379");
        assertThat(c.broker().redisPrefix()).isEqualTo("gw");
        assertThat(c.broker().redisQueue()).isEqualTo(500);
        assertThat(c.broker().redisIo()).isEqualTo(BrokerSettings.RedisIo.OWN);
        assertThat(c.connections().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.historyPolicies().forChannel(ChannelName.of("t", "x"))).isEqualTo(new HistoryPolicy(5, Duration.ofHours(1)));
        assertThat(c.drain()).isZero();
        assertThat(c.connections().maxMessage()).isEqualTo(128_000);
        assertThat(c.connections().outboundQueue()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.connections().subscriptionLinger()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.idempotencyWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(c.limits()).isEqualTo(new LimitSettings(1000, 100, 10, 16, 0.5, 20, 5, io.rtgw.transport.AbuseLimits.DEFAULT_HANDSHAKE_TIMEOUT));
        assertThat(c.observability()).isEqualTo(new ObservabilitySettings(ObservabilitySettings.LogFormat.JSON, true, 20));
    }

    @Test
    void envOverridesYaml() throws IOException {
        Path file = yaml("heartbeat: 10s\npublic_port: 7000\napi_key: from-file\nhistory_size: 7\n");
        GatewayConfig c = ConfigLoader.load(file, env("RTGW_HEARTBEAT", "3s", "RTGW_API_KEY", "from-env"), false);
        assertThat(c.connections().heartbeat()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.apiKeys().global()).containsExactly("from-env");
        assertThat(c.network().publicPort()).isEqualTo(7000); // not in env: the file's value stays
        assertThat(c.namespace("room").history().size()).isEqualTo(7);
    }

    @Test
    void emptyEnvVariableCountsAsUnset() throws IOException {
        Path file = yaml("heartbeat: 10s\n");
        GatewayConfig c = ConfigLoader.load(file, env("RTGW_HEARTBEAT", "", "RTGW_REDIS_URL", " "), false);
        assertThat(c.connections().heartbeat()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.broker().embedded()).isTrue();
    }

    @Test
    void adminBindDefaultsToBind() {
        GatewayConfig c = ConfigLoader.load(null, env("RTGW_BIND", "127.0.0.1"), false);
        assertThat(c.network().adminBind()).isEqualTo("127.0.0.1");
        GatewayConfig separate = ConfigLoader.load(null, env("RTGW_BIND", "0.0.0.0", "RTGW_ADMIN_BIND", "::1"), false);
        assertThat(separate.network().bind()).isEqualTo("0.0.0.0");
        assertThat(separate.network().adminBind()).isEqualTo("::1");
    }

    @Test
    void tenantApiKeysFromEnv() {
        GatewayConfig c = ConfigLoader.load(null, env("RTGW_TENANT_API_KEYS", "tenantA:key1;key2, tenantB:key3"), false);
        assertThat(c.apiKeys().byTenant()).containsExactlyInAnyOrderEntriesOf(
                Map.of("tenantA", List.of("key1", "key2"), "tenantB", List.of("key3")));
    }

    @Test
    void apiKeyRotationListFromEnv() {
        GatewayConfig c = ConfigLoader.load(null, env("RTGW_API_KEY", "new, old"), false);
        assertThat(c.apiKeys().global()).containsExactly("new", "old");
    }

    @Test
    void devGeneratesMissingApiKeyAndSecret() {
        GatewayConfig c = ConfigLoader.load(null, Map.of(), true);
        assertThat(c.dev()).isTrue();
        assertThat(c.apiKeys().generated()).isTrue();
        assertThat(c.jwt().secretGenerated()).isTrue();
        String key = c.apiKeys().global().get(0);
        String secret = c.jwt().secret().orElseThrow();
        // 32 random bytes, URL-safe base64 without padding = 43 characters.
        assertThat(key).matches("[A-Za-z0-9_-]{43}");
        assertThat(secret).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(key);
        assertThat(c.generatedSecrets()).containsExactly(
                Map.entry("RTGW_API_KEY", key), Map.entry("RTGW_JWT_SECRET", secret));
        assertThat(ConfigLoader.load(null, Map.of(), true).jwt().secret()).isNotEqualTo(c.jwt().secret());
        assertThat(c.apiKeys().toString()).doesNotContain(key);
        assertThat(c.jwt().toString()).doesNotContain(secret);
    }

    @Test
    void devKeepsConfiguredCredentials() {
        GatewayConfig c = ConfigLoader.load(null, env(), true);
        assertThat(c.apiKeys().generated()).isFalse();
        assertThat(c.jwt().secretGenerated()).isFalse();
        assertThat(c.generatedSecrets()).isEmpty();
    }

    @Test
    void devGeneratesNoSecretWhenJwksIsConfigured() {
        GatewayConfig c = ConfigLoader.load(null,
                Map.of("RTGW_JWT_JWKS_URL", "https://auth.example.com/jwks.json"), true);
        assertThat(c.jwt().secret()).isEmpty();
        assertThat(c.jwt().jwksUrl()).hasValueSatisfying(u -> assertThat(u.getHost()).isEqualTo("auth.example.com"));
        assertThat(c.generatedSecrets()).containsOnlyKeys("RTGW_API_KEY");
    }

    @Test
    void withoutDevMissingCredentialsStopTheStart() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("RTGW_JWT_SECRET", SECRET), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RTGW_API_KEY is required")
                .hasMessageContaining("--dev");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("RTGW_API_KEY", "k"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("RTGW_JWT_SECRET is required");
    }

    @Test
    void publicKeysFromTextAndFiles() throws IOException {
        String pem1 = pem("PUBLIC KEY", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
        String pem2 = pem("PUBLIC KEY", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB");
        Path keyFile = dir.resolve("keys.pem");
        Files.writeString(keyFile, pem1 + "\n" + pem2 + "\n");
        GatewayConfig fromFile = ConfigLoader.load(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_PUBLIC_KEY", keyFile.toString()), false);
        assertThat(fromFile.jwt().publicKeys()).containsExactly(pem1, pem2);
        assertThat(fromFile.jwt().secret()).isEmpty();
        GatewayConfig fromText = ConfigLoader.load(null, Map.of("RTGW_API_KEY", "k", "RTGW_JWT_PUBLIC_KEY", pem1), false);
        assertThat(fromText.jwt().publicKeys()).containsExactly(pem1);
    }

    static String pem(String label, String body) {
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----";
    }

    @Test
    void unknownEnvVariableIsAWarningNotAnError() {
        GatewayConfig c = ConfigLoader.load(null, env("RTGW_HEARTBAET", "5s", "PATH", "/bin"), false);
        assertThat(c.warnings()).containsExactly(
                "RTGW_HEARTBAET is not a known setting and is ignored (did you mean heartbeat?)");
    }

    @Test
    void emptyYamlFileIsAllowed() throws IOException {
        GatewayConfig c = ConfigLoader.load(yaml("# nothing yet\n"), env(), false);
        assertThat(c.network().publicPort()).isEqualTo(8080);
    }

    @Test
    void everyDocumentedRedisUrlFormIsAccepted() {
        // docs/scaling.md and docs/configuration.md; the seed list used to be refused
        for (String url : List.of("redis://localhost:6379", "rediss://user:pw@redis.example:6380/0",
                "redis-sentinel://s1:26379,s2:26379/0#mymaster", "redis://h1:7000,h2:7001,h3:7002",
                "redis://h1:7000?cluster=true", "redis://h1:7000,redis://h2:7001")) {
            GatewayConfig c = ConfigLoader.load(null, env("RTGW_REDIS_URL", url), false);
            assertThat(c.broker().redisUrl()).as(url).contains(url);
        }
        for (String bad : List.of("http://h1:7000", "redis://h1:7000,http://h2:7001", "redis://h1 h2", "h1:7000")) {
            assertThatThrownBy(() -> ConfigLoader.load(null, env("RTGW_REDIS_URL", bad), false)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("is not a Redis URL");
        }
    }

    @Test
    void brokerToStringHidesRedisPassword() {
        GatewayConfig c = ConfigLoader.load(null, env("RTGW_REDIS_URL", "rediss://user:hunter2@redis.example:6380/0"), false);
        assertThat(c.broker().redisUrl()).contains("rediss://user:hunter2@redis.example:6380/0");
        assertThat(c.broker().toString()).doesNotContain("hunter2");
    }
}

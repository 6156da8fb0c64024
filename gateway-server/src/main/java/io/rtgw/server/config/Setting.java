package io.rtgw.server.config;

import java.util.Locale;

/**
 * Every top-level setting. One list serves three purposes: env lookup, unknown-key detection in the
 * YAML file (typo protection) and "did you mean" suggestions. The YAML key is the env name without
 * {@code RTGW_}, in lower case.
 */
enum Setting {
    PUBLIC_PORT, ADMIN_PORT, BIND, ADMIN_BIND, ALLOWED_ORIGINS, TRUSTED_PROXIES,
    API_KEY, TENANT_API_KEYS,
    JWT_SECRET, JWT_JWKS_URL, JWT_PUBLIC_KEY, JWT_SKEW, JWT_TENANT_CLAIM, JWT_ISSUER, JWT_AUDIENCE,
    JWT_REQUIRE_EXP, SINGLE_TENANT,
    TOKEN_COOKIE, QUERY_TOKEN, AUTH_TIMEOUT, EXPIRING_LEAD, MAX_LIFETIME, PERSONAL_CHANNEL,
    REDIS_URL, REDIS_PREFIX, REDIS_QUEUE, REDIS_PROBE_INTERVAL, REDIS_IO, POSITION_CHECK,
    BROKER_MAX_CHANNELS, BROKER_MAX_BYTES, BROKER_IDLE_CHANNEL,
    HEARTBEAT, HISTORY_SIZE, HISTORY_TTL, DRAIN, MAX_MESSAGE, OUTBOUND_QUEUE, SUBSCRIPTION_LINGER,
    IDEMPOTENCY_WINDOW,
    MAX_CONNECTIONS, MAX_CONNECTIONS_PER_TENANT, MAX_CONNECTIONS_PER_USER, MAX_SUBSCRIPTIONS,
    CLIENT_PUBLISH_RATE, COMMAND_RATE, CONNECT_RATE_PER_IP, HANDSHAKE_TIMEOUT,
    IDLE_TIMEOUT, MAX_SOCKETS,
    LOG_FORMAT, TENANT_METRICS, TENANT_METRICS_MAX,
    REPORT_INTERVAL, MAX_TOKEN_AGE, NODE_ID, PRESENCE_INTERVAL,
    EVENTS, EVENTS_SECRET, EVENTS_MAXLEN, EVENTS_QUEUE, EVENTS_TYPES, EVENTS_GRACE,
    CONNECT_HOOK, SUBSCRIBE_HOOK, PUBLISH_HOOK, HOOK_TIMEOUT, HOOK_MAX_IN_FLIGHT, HOOK_CACHE_SIZE,
    /** Per-namespace overrides; a nested map, so it exists only in the YAML file. */
    NAMESPACES(false);

    static final String ENV_PREFIX = "RTGW_";

    private final boolean inEnv;

    Setting() {
        this(true);
    }

    Setting(boolean inEnv) {
        this.inEnv = inEnv;
    }

    String yamlKey() {
        return name().toLowerCase(Locale.ROOT);
    }

    String envName() {
        return ENV_PREFIX + name();
    }

    boolean inEnv() {
        return inEnv;
    }

    static Setting byYamlKey(String key) {
        for (Setting s : values()) {
            if (s.yamlKey().equals(key)) {
                return s;
            }
        }
        return null;
    }
}

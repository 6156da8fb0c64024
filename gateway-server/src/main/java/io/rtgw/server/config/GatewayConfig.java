package io.rtgw.server.config;

import io.rtgw.core.broker.HistoryPolicies;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole, validated, immutable configuration of one gateway process. Built only by
 * {@link ConfigLoader}; docs/configuration.md describes every setting.
 *
 * @param drain             longest graceful-shutdown drain; it ends as soon as no connection is left
 * @param idempotencyWindow how long a publish idempotency key is remembered
 * @param dev               started with {@code --dev}
 * @param warnings          one-line notes for the log (e.g. an unknown {@code RTGW_} variable)
 */
public record GatewayConfig(NetworkSettings network, ApiKeyConfig apiKeys, JwtConfig jwt, BrokerSettings broker,
        ConnectionSettings connections, LimitSettings limits, Namespaces namespaces, Duration drain,
        Duration idempotencyWindow, ObservabilitySettings observability, ControlSettings control, EventSettings events, HookSettings hooks, boolean dev, List<String> warnings) {
    /**
     * The contract's default (docs/protocol.md §1). The container image sets {@code RTGW_DRAIN=5s}
     * instead: half of Docker's default stop grace (10 s), so the drain, the stop of the loops and
     * the broker and the JVM's exit all fit before SIGKILL.
     */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public GatewayConfig {
        warnings = List.copyOf(warnings);
    }

    public HistoryPolicies historyPolicies() {
        return namespaces.historyPolicies();
    }

    /** Whether a namespace has a flag on (e.g. {@code NamespaceSettings::presence}), without allocating per call. */
    public java.util.function.Predicate<String> namespaceFlag(java.util.function.Predicate<NamespaceSettings> setting) {
        return namespaces.flag(setting);
    }

    /** The settings of a namespace; an unconfigured one gets the defaults. */
    public NamespaceSettings namespace(String name) {
        return namespaces.namespace(name);
    }

    /**
     * Secrets that dev mode generated, by env name, so the caller can print them once (they exist
     * nowhere else). Empty outside dev mode or when everything was configured.
     */
    public Map<String, String> generatedSecrets() {
        Map<String, String> out = new LinkedHashMap<>();
        if (apiKeys.generated()) {
            out.put(Setting.API_KEY.envName(), apiKeys.global().get(0));
        }
        if (jwt.secretGenerated()) {
            out.put(Setting.JWT_SECRET.envName(), jwt.secret().orElseThrow());
        }
        return out;
    }
}

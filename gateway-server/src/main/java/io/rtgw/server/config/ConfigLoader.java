package io.rtgw.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link GatewayConfig}: defaults, then the optional YAML file, then {@code RTGW_*}
 * environment variables, then validation. The environment is a parameter so tests never depend
 * on (or change) the real one. Every failure is a {@link ConfigException} with a one-line message.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param configFile the {@code --config} file, or null for none
     * @param env        the process environment (normally {@link System#getenv()})
     * @param dev        {@code --dev}: generate a missing API key and JWT secret. Deliberately not a
     *                   setting, so a file copied to production can never switch it on.
     */
    public static GatewayConfig load(Path configFile, Map<String, String> env, boolean dev) {
        Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
        if (configFile != null) {
            values.putAll(YamlFile.read(configFile));
        }
        List<String> warnings = new ArrayList<>();
        values.putAll(fromEnv(env, warnings));
        return build(new SettingReader(values), dev, warnings);
    }

    private static Map<Setting, RawValue> fromEnv(Map<String, String> env, List<String> warnings) {
        Map<Setting, RawValue> values = new EnumMap<>(Setting.class);
        // Sorted so warnings come out in a stable order.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(Setting.ENV_PREFIX) || e.getValue() == null) {
                continue;
            }
            Setting s = envSetting(name);
            if (s == null) {
                // Not fatal: launch scripts may use the same prefix for their own variables.
                warnings.add(name + " is not a known setting and is ignored"
                        + Suggest.closest(name.substring(Setting.ENV_PREFIX.length())));
            } else if (!s.inEnv()) {
                throw new ConfigException(name + ": cannot be set in the environment (expected: a "
                        + s.yamlKey() + ": section in the --config file)");
            } else if (!e.getValue().isBlank()) { // empty = not given, so compose files can leave a line blank
                values.put(s, RawValue.env(name, e.getValue()));
            }
        }
        return values;
    }

    private static Setting envSetting(String name) {
        for (Setting s : Setting.values()) {
            if (s.envName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static GatewayConfig build(SettingReader r, boolean dev, List<String> warnings) {
        NetworkSettings network = NetworkSettings.from(r);
        BrokerSettings broker = BrokerSettings.from(r);
        ConnectionSettings connections = ConnectionSettings.from(r);
        LimitSettings limits = LimitSettings.from(r);
        Namespaces namespaces = Namespaces.from(r);
        ObservabilitySettings observability = ObservabilitySettings.from(r);
        ControlSettings control = ControlSettings.from(r);
        EventSettings events = EventSettings.from(r, broker);
        HookSettings hooks = HookSettings.from(r);
        Duration drain = r.duration(Setting.DRAIN, GatewayConfig.DEFAULT_DRAIN, Duration.ZERO);
        Duration idempotency = r.duration(Setting.IDEMPOTENCY_WINDOW, io.rtgw.core.broker.Broker.DEFAULT_IDEMPOTENCY_WINDOW,
                Duration.ofSeconds(1));
        // Credentials last: a typo elsewhere is reported before "missing key", which is the usual dev-box state.
        JwtConfig jwt = JwtConfig.from(r, dev, hooks.connect().isPresent());
        ApiKeyConfig apiKeys = ApiKeyConfig.from(r, dev);
        return new GatewayConfig(network, apiKeys, jwt, broker, connections, limits, namespaces, drain, idempotency,
                observability, control, events, hooks, dev, warnings);
    }
}

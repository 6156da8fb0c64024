package io.rtgw.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.ChannelName;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-namespace overrides from the YAML {@code namespaces:} section. Each field left out of a
 * namespace falls back to the global default, so adding one field never silently resets the others.
 *
 * @param defaults   what unconfigured namespaces get (name "")
 * @param configured the namespaces named in the file, fully resolved
 */
public record Namespaces(NamespaceSettings defaults, Map<String, NamespaceSettings> configured) {
    private static final List<String> FIELDS = List.of("history_size", "history_ttl", "client_publish", "presence",
            "join_leave", "events", "subscribe_hook", "publish_hook");
    static final String HISTORY_SIZE = "a whole number from 0 to 1000000 (0 = no history), like 100";

    public Namespaces {
        configured = Map.copyOf(configured);
    }

    public NamespaceSettings namespace(String name) {
        NamespaceSettings s = configured.get(name);
        return s != null ? s : defaults.named(name);
    }

    /**
     * Whether a namespace has a flag on, looked up without building its settings: sessions ask
     * this on every subscribe, and most namespaces are not configured.
     */
    public java.util.function.Predicate<String> flag(java.util.function.Predicate<NamespaceSettings> setting) {
        boolean unconfigured = setting.test(defaults);
        java.util.Set<String> differing = new java.util.HashSet<>();
        configured.forEach((name, s) -> {
            if (setting.test(s) != unconfigured) {
                differing.add(name);
            }
        });
        java.util.Set<String> names = java.util.Set.copyOf(differing);
        return namespace -> names.contains(namespace) != unconfigured;
    }

    public HistoryPolicies historyPolicies() {
        Map<String, HistoryPolicy> byNamespace = new LinkedHashMap<>();
        configured.forEach((name, s) -> byNamespace.put(name, s.history()));
        return new HistoryPolicies(defaults.history(), byNamespace);
    }

    static Namespaces from(SettingReader r) {
        HistoryPolicy history = new HistoryPolicy(
                r.integer(Setting.HISTORY_SIZE, HistoryPolicy.DEFAULT.size(), 0, 1_000_000, HISTORY_SIZE),
                r.duration(Setting.HISTORY_TTL, HistoryPolicy.DEFAULT.ttl(), Duration.ofSeconds(1)));
        NamespaceSettings defaults = new NamespaceSettings("", history,
                NamespaceSettings.DEFAULT_CLIENT_PUBLISH, NamespaceSettings.DEFAULT_PRESENCE);
        RawValue section = r.raw(Setting.NAMESPACES);
        Map<String, NamespaceSettings> configured = new LinkedHashMap<>();
        if (section != null) {
            if (!section.node().isObject()) {
                throw new ConfigException(section.where() + ": expected a map of namespace name to its settings, "
                        + "like room: { history_size: 50 }");
            }
            for (Map.Entry<String, JsonNode> e : section.node().properties()) {
                configured.put(e.getKey(), one(section.where() + "." + e.getKey(), e.getKey(), e.getValue(), defaults));
            }
        }
        return new Namespaces(defaults, configured);
    }

    private static NamespaceSettings one(String where, String name, JsonNode node, NamespaceSettings d) {
        if (name.isEmpty() || name.contains(":") || !ChannelName.isValidName(name)) {
            throw new ConfigException(where + ": \"" + name + "\" is not a namespace name (expected: the part of a "
                    + "channel name before the first ':', characters A-Z a-z 0-9 _ - . @ = | +)");
        }
        if (YamlFile.isEmpty(node)) {
            return d.named(name);
        }
        if (!node.isObject()) {
            throw new ConfigException(where + ": is not a map (expected: a map with any of the keys "
                    + String.join(", ", FIELDS) + ")");
        }
        int size = d.history().size();
        Duration ttl = d.history().ttl();
        boolean publish = d.clientPublish();
        boolean presence = d.presence();
        boolean joinLeave = d.joinLeave();
        boolean events = d.events();
        boolean subscribeHook = d.subscribeHook();
        boolean publishHook = d.publishHook();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (YamlFile.isEmpty(f.getValue())) {
                continue; // like an absent field: the default applies
            }
            RawValue v = RawValue.yaml(where + "." + f.getKey(), f.getValue());
            switch (f.getKey()) {
                case "history_size" -> size = SettingReader.integer(v, 0, 1_000_000, HISTORY_SIZE);
                case "history_ttl" -> ttl = SettingReader.duration(v, Duration.ofSeconds(1));
                case "client_publish" -> publish = SettingReader.bool(v);
                case "presence" -> presence = SettingReader.bool(v);
                case "join_leave" -> joinLeave = SettingReader.bool(v);
                case "events" -> events = SettingReader.bool(v);
                case "subscribe_hook" -> subscribeHook = SettingReader.bool(v);
                case "publish_hook" -> publishHook = SettingReader.bool(v);
                default -> throw new ConfigException(where + ": " + f.getKey() + " is not a namespace setting"
                        + Suggest.closest(f.getKey(), FIELDS) + " (expected: one of " + String.join(", ", FIELDS) + ")");
            }
        }
        return new NamespaceSettings(name, new HistoryPolicy(size, ttl), publish, presence, joinLeave, events,
                subscribeHook, publishHook);
    }
}

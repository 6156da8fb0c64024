package io.rtgw.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.core.ChannelName;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer keys of the server API as configured ({@code RTGW_API_KEY}, {@code RTGW_TENANT_API_KEYS}).
 * The server turns them into an {@link io.rtgw.auth.ApiKeySet} held by {@link io.rtgw.auth.LiveApiKeys}.
 *
 * @param global    keys valid for every tenant; several at once so a key can be rotated without downtime
 * @param byTenant  keys limited to one tenant
 * @param generated true when dev mode made the (single) global key up; the caller prints it
 */
public record ApiKeyConfig(List<String> global, Map<String, List<String>> byTenant, boolean generated) {
    private static final String KEYS = "one or more keys, comma-separated, without spaces";
    private static final String TENANT_KEYS = "tenant:key1;key2,tenant2:key3 (tenant ids: 1-64 of A-Z a-z 0-9 _ -)";

    public ApiKeyConfig {
        global = List.copyOf(global);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        byTenant.forEach((t, keys) -> copy.put(t, List.copyOf(keys)));
        byTenant = Map.copyOf(copy);
    }

    /** Keys are secrets: a logged config must not reveal them. */
    @Override
    public String toString() {
        return "ApiKeyConfig[global=" + global.size() + " key(s), tenants=" + byTenant.keySet() + ", generated=" + generated + "]";
    }

    static ApiKeyConfig from(SettingReader r, boolean dev) {
        List<String> global = r.list(Setting.API_KEY);
        for (String k : global) {
            requireKeyShape(r.raw(Setting.API_KEY), k, KEYS);
        }
        Map<String, List<String>> byTenant = tenantKeys(r);
        requireUnique(r, global, byTenant);
        if (!global.isEmpty()) {
            return new ApiKeyConfig(global, byTenant, false);
        }
        if (dev) {
            return new ApiKeyConfig(List.of(Secrets.generate()), byTenant, true);
        }
        throw new ConfigException(Setting.API_KEY.envName() + " is required (expected: " + KEYS
                + "; set it in the environment or as api_key in --config, or start with --dev to generate one)");
    }

    private static Map<String, List<String>> tenantKeys(SettingReader r) {
        RawValue v = r.raw(Setting.TENANT_API_KEYS);
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v.isYaml() && v.node().isObject()) {
            for (Map.Entry<String, JsonNode> e : v.node().properties()) {
                RawValue keys = RawValue.yaml(v.where() + "." + e.getKey(), e.getValue());
                put(v, out, e.getKey(), e.getValue().isNull() ? List.of() : SettingReader.list(keys));
            }
            return out;
        }
        if (v.isYaml() && v.node().isContainerNode()) {
            throw SettingReader.invalidSecret(v, "is not a map", "a map of tenant to a list of keys");
        }
        for (String entry : SettingReader.scalar(v).split(",")) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw SettingReader.invalidSecret(v, "has an entry without a tenant", TENANT_KEYS);
            }
            put(v, out, entry.substring(0, colon).strip(), List.of(entry.substring(colon + 1).split(";")));
        }
        return out;
    }

    private static void put(RawValue v, Map<String, List<String>> out, String tenant, List<String> keys) {
        if (!ChannelName.isValidTenant(tenant)) {
            throw new ConfigException(v.where() + ": \"" + tenant + "\" is not a valid tenant id (expected: " + TENANT_KEYS + ")");
        }
        List<String> stripped = keys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
        if (stripped.isEmpty()) {
            throw new ConfigException(v.where() + ": tenant " + tenant + " has no keys (expected: " + TENANT_KEYS + ")");
        }
        stripped.forEach(k -> requireKeyShape(v, k, TENANT_KEYS));
        if (out.containsKey(tenant)) {
            throw new ConfigException(v.where() + ": tenant " + tenant + " is listed twice (expected: each tenant once)");
        }
        out.put(tenant, stripped);
    }

    private static void requireKeyShape(RawValue v, String key, String expected) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c > '~') {
                throw SettingReader.invalidSecret(v, "contains a key with a space or non-ASCII character", expected);
            }
        }
    }

    /** A key shared by two tenants (or global and a tenant) would make its scope ambiguous. */
    private static void requireUnique(SettingReader r, List<String> global, Map<String, List<String>> byTenant) {
        Map<String, String> owner = new HashMap<>();
        global.forEach(k -> owner.put(k, "global"));
        for (Map.Entry<String, List<String>> e : byTenant.entrySet()) {
            for (String k : e.getValue()) {
                String previous = owner.putIfAbsent(k, "tenant " + e.getKey());
                if (previous != null) {
                    throw SettingReader.invalidSecret(r.raw(Setting.TENANT_API_KEYS),
                            "gives tenant " + e.getKey() + " a key that is also a " + previous + " key",
                            "every API key used for one scope only");
                }
            }
        }
    }
}

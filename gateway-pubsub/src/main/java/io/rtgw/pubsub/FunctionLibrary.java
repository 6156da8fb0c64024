package io.rtgw.pubsub;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.broker.HistoryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;

/**
 * The Redis Function library {@code rtgw} (publish, history, epoch bump), rendered from the
 * Lua template with this node's settings baked in. Bump {@link #VERSION} whenever the Lua or
 * its data layout changes; {@code FCALL rtgw_version 0} tells which one a server has.
 *
 * <p>Version 2 publishes envelopes on {@code <key>:e} instead of the app channel {@code <key>}
 * (docs/protocol.md §6). For a rolling upgrade from version 1 it also copies each envelope to
 * {@code <key>} in version 1's format while {@code PUBSUB NUMSUB} shows a subscriber of {@code <key>}
 * without one of {@code <key>:e} (an old node); nodes of this version drop those copies.
 *
 * <p>Version 3 does less work per publish, same calls and data: one {@code PUBSUB NUMSUB} for
 * both channels instead of two, and the age trim looks at the oldest entry before copying 64.
 */
final class FunctionLibrary {
    static final int VERSION = 3;
    static final String VERSION_FUNCTION = "rtgw_version";
    static final String PUBLISH = "rtgw_publish";
    static final String HISTORY = "rtgw_history";
    static final String BUMP_EPOCH = "rtgw_bump_epoch";

    private FunctionLibrary() {
    }

    static String render(RedisBrokerConfig config, boolean cluster) {
        String template = template();
        Map<String, String> values = new TreeMap<>();
        values.put("__VERSION__", Integer.toString(VERSION));
        values.put("__PREFIX__", luaSafe(config.keyPrefix()));
        values.put("__DEFAULT_SIZE__", Integer.toString(config.functionDefault().size()));
        values.put("__DEFAULT_TTL_MS__", Long.toString(config.functionDefault().ttl().toMillis()));
        values.put("__NAMESPACES__", namespaces(config.functionNamespaces()));
        values.put("__META_TTL_MS__", Long.toString(config.positionTtl().toMillis()));
        values.put("__IDEMPOTENCY_TTL_MS__", Long.toString(config.idempotencyWindow().toMillis()));
        values.put("__PUBLISH__", cluster ? "SPUBLISH" : "PUBLISH");
        values.put("__NUMSUB__", cluster ? "SHARDNUMSUB" : "NUMSUB");
        for (Map.Entry<String, String> e : values.entrySet()) {
            template = template.replace(e.getKey(), e.getValue());
        }
        return template;
    }

    /**
     * FUNCTION LOAD REPLACE, unless the server already has a newer version: during a rolling
     * upgrade old and new nodes would otherwise replace each other's library on every
     * reconnect. Newer libraries keep accepting the calls older nodes make.
     */
    static CompletableFuture<Void> loadUnlessNewer(RedisClusterAsyncCommands<String, String> redis, String code) {
        return redis.<String>fcallReadOnly(VERSION_FUNCTION, ScriptOutputType.VALUE, new String[0])
                .toCompletableFuture()
                .handle((loaded, error) -> error == null ? parseVersion(loaded) : -1)
                .thenCompose(loaded -> loaded > VERSION
                        ? CompletableFuture.<Void>completedFuture(null)
                        : redis.functionLoad(code, true).toCompletableFuture().thenApply(name -> (Void) null));
    }

    private static int parseVersion(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static String namespaces(Map<String, HistoryPolicy> byNamespace) {
        StringBuilder lua = new StringBuilder();
        for (Map.Entry<String, HistoryPolicy> e : new TreeMap<>(byNamespace).entrySet()) {
            lua.append("['").append(luaSafe(e.getKey())).append("'] = {")
                    .append(e.getValue().size()).append(", ").append(e.getValue().ttl().toMillis()).append("}, ");
        }
        return lua.toString();
    }

    /** Namespaces and prefixes go into single-quoted Lua literals; refuse what could break out. */
    private static String luaSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\' || c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("'" + s + "' (expected: printable ASCII without quotes or backslashes)");
            }
        }
        return s;
    }

    private static String template() {
        try (InputStream in = FunctionLibrary.class.getResourceAsStream("rtgw-functions.lua")) {
            if (in == null) {
                throw new IllegalStateException("rtgw-functions.lua missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.rtgw.server.config;

import io.rtgw.core.Hub;
import io.rtgw.core.broker.EmbeddedLimits;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where publications travel between nodes.
 *
 * @param redisUrl    empty = the embedded in-memory broker (one node); else one of the URL forms of
 *                    docs/protocol.md §1, or a comma-separated cluster seed list
 * @param redisPrefix first part of every Redis key ({@code <prefix>:{tenant:channel}})
 * @param redisQueue  messages from Redis that may wait per delivery lane before a channel is
 *                    resynced from history instead (RedisBrokerConfig#laneCapacity)
 * @param redisProbeInterval how often the node checks that its pub/sub link still delivers: a
 *                    link that went silent without closing is rebuilt after about this plus the
 *                    probe's 3 s timeout
 * @param positionCheck how long a subscribed channel may stay quiet before the node asks the broker
 *                    for its head, so a lost announcement is delivered within it (0 = never)
 * @param embeddedLimits what the embedded broker may hold (channels, retained bytes, idle time of a
 *                    channel), so that publishing alone cannot run the node out of memory
 * @param redisIo     where the Redis connections and the delivery lanes run: on Lettuce's loops
 *                    and a thread per lane ({@code own}, the default), isolated from client I/O,
 *                    or on the node's own event loops with the client connections ({@code shared},
 *                    experimental: cheaper below saturation, but a saturated node falls far behind,
 *                    docs/performance.md "Round 2")
 */
public record BrokerSettings(Optional<String> redisUrl, String redisPrefix, int redisQueue,
                             Duration redisProbeInterval, Duration positionCheck, EmbeddedLimits embeddedLimits,
                             RedisIo redisIo) {
    /** {@code RTGW_REDIS_IO}. */
    public enum RedisIo {
        /**
         * Lettuce and the lanes on the node's event loops: no thread hand-off per publication.
         * Experimental: a saturated node falls far behind (docs/performance.md, "Round 2").
         */
        SHARED,
        /** Lettuce's own event loops and a thread per lane: Redis I/O apart from client I/O (the default). */
        OWN
    }

    public static final int DEFAULT_REDIS_QUEUE = io.rtgw.pubsub.RedisBrokerConfig.DEFAULT_LANE_CAPACITY;
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(5);
    private static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(100);
    private static final String URL = "redis://host:6379, rediss://..., redis-sentinel://..., or a Cluster seed list"
            + " like redis://h1:7000,h2:7001";
    /**
     * One URL; after a comma more hosts (Cluster seeds, Sentinels), each {@code host:port} or a
     * URL of its own. Checking each comma-separated part as a whole URL refused the documented
     * seed list {@code redis://h1:7000,h2:7001} and every multi-Sentinel URL.
     */
    private static final Pattern URL_PATTERN =
            Pattern.compile("(redis|rediss|redis-sentinel)://[^\\s,]+(,((redis|rediss)://)?[^\\s,/:@]+:\\d+([/?#][^\\s,]*)?)*");
    /** Braces would break the Cluster hash tag that follows the prefix; spaces break redis-cli use. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public boolean embedded() {
        return redisUrl.isEmpty();
    }

    /** Credentials may sit in the URL; a logged config must not reveal them. */
    @Override
    public String toString() {
        return "BrokerSettings[redisUrl=" + redisUrl.map(u -> u.replaceAll("//[^@/]*@", "//***@")).orElse("embedded")
                + ", redisPrefix=" + redisPrefix + ", redisQueue=" + redisQueue + ", redisProbeInterval="
                + redisProbeInterval + ", positionCheck=" + positionCheck + ", embeddedLimits=" + embeddedLimits
                + ", redisIo=" + redisIo + "]";
    }

    static BrokerSettings from(SettingReader r) {
        Optional<String> url = r.string(Setting.REDIS_URL);
        url.ifPresent(u -> {
            if (!URL_PATTERN.matcher(u.strip()).matches()) {
                // The value can carry a password, so it is not echoed.
                throw SettingReader.invalidSecret(r.raw(Setting.REDIS_URL), "is not a Redis URL", URL);
            }
        });
        String prefix = r.string(Setting.REDIS_PREFIX, io.rtgw.pubsub.RedisBrokerConfig.DEFAULT_KEY_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw SettingReader.invalid(r.raw(Setting.REDIS_PREFIX), "is not a key prefix",
                    "1-64 characters of A-Z a-z 0-9 _ . : -, like rtgw");
        }
        int queue = r.integer(Setting.REDIS_QUEUE, DEFAULT_REDIS_QUEUE, 16, 10_000_000, "a whole number from 16 to 10000000, like 10000");
        Duration probe = r.duration(Setting.REDIS_PROBE_INTERVAL, DEFAULT_PROBE_INTERVAL, MIN_PROBE_INTERVAL);
        Duration positionCheck = r.duration(Setting.POSITION_CHECK, Hub.DEFAULT_POSITION_CHECK, Duration.ZERO);
        if (!positionCheck.isZero() && positionCheck.compareTo(Duration.ofMillis(100)) < 0) {
            throw SettingReader.invalid(r.raw(Setting.POSITION_CHECK), "is too short",
                    "0 (never) or at least 100ms, like 10s");
        }
        int maxChannels = r.integer(Setting.BROKER_MAX_CHANNELS, EmbeddedLimits.DEFAULT_MAX_CHANNELS, 1, 100_000_000,
                "a whole number from 1 to 100000000, like 1000000");
        long maxBytes = r.size(Setting.BROKER_MAX_BYTES, EmbeddedLimits.DEFAULT_MAX_RETAINED_BYTES, 64L << 10, 1L << 40);
        Duration idle = r.duration(Setting.BROKER_IDLE_CHANNEL, EmbeddedLimits.DEFAULT_IDLE_CHANNEL, Duration.ZERO);
        return new BrokerSettings(url, prefix, queue, probe, positionCheck, new EmbeddedLimits(maxChannels, maxBytes, idle),
                redisIo(r));
    }

    private static RedisIo redisIo(SettingReader r) {
        String raw = r.string(Setting.REDIS_IO, "shared").strip().toLowerCase(java.util.Locale.ROOT);
        return switch (raw) {
            case "shared" -> RedisIo.SHARED;
            case "own" -> RedisIo.OWN;
            default -> throw SettingReader.invalid(r.raw(Setting.REDIS_IO), "is not a Redis I/O mode",
                    "shared (the node's event loops) or own (Lettuce's, isolated from client I/O)");
        };
    }
}

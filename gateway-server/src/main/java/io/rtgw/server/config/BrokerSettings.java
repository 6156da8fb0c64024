package io.rtgw.server.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where publications travel between nodes.
 *
 * @param redisUrl    empty = the embedded in-memory broker (one node); else one of the URL forms of
 *                    PROTOCOL §1, or a comma-separated cluster seed list
 * @param redisPrefix first part of every Redis key ({@code <prefix>:{tenant:channel}})
 * @param redisProbeInterval how often the node checks that its pub/sub link still delivers: a
 *                    link that went silent without closing is rebuilt after about this plus the
 *                    probe's 3 s timeout
 */
public record BrokerSettings(Optional<String> redisUrl, String redisPrefix, Duration redisProbeInterval) {
    public static final String DEFAULT_PREFIX = "rtgw";
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
                + ", redisPrefix=" + redisPrefix + ", redisProbeInterval=" + redisProbeInterval + "]";
    }

    static BrokerSettings from(SettingReader r) {
        Optional<String> url = r.string(Setting.REDIS_URL);
        url.ifPresent(u -> {
            if (!URL_PATTERN.matcher(u.strip()).matches()) {
                // The value can carry a password, so it is not echoed.
                throw SettingReader.invalidSecret(r.raw(Setting.REDIS_URL), "is not a Redis URL", URL);
            }
        });
        String prefix = r.string(Setting.REDIS_PREFIX, DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw SettingReader.invalid(r.raw(Setting.REDIS_PREFIX), "is not a key prefix",
                    "1-64 characters of A-Z a-z 0-9 _ . : -, like rtgw");
        }
        return new BrokerSettings(url, prefix,
                r.duration(Setting.REDIS_PROBE_INTERVAL, DEFAULT_PROBE_INTERVAL, MIN_PROBE_INTERVAL));
    }
}

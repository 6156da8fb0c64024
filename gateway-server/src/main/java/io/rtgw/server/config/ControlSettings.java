package io.rtgw.server.config;

import io.rtgw.auth.JwtVerifierSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The server API's control plane (docs/protocol.md §7).
 *
 * @param reportInterval how often the node reports its counts; readers drop a node silent for 3 intervals
 * @param maxTokenAge    tokens issued longer ago (by {@code iat}) are refused; zero = no limit.
 *                       It also bounds how long a user revocation is kept
 * @param nodeId         what {@code GET /api/info} calls this node; empty = a random id per start
 * @param presenceInterval how often the node renews its presence leases (docs/protocol.md §9);
 *                       a dead node's entries vanish within 3 intervals
 */
public record ControlSettings(Duration reportInterval, Duration maxTokenAge, Optional<String> nodeId,
                              Duration presenceInterval) {
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration MIN_REPORT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(10);
    public static final Duration MIN_PRESENCE_INTERVAL = Duration.ofMillis(100);
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    static ControlSettings from(SettingReader r) {
        Duration interval = r.duration(Setting.REPORT_INTERVAL, DEFAULT_REPORT_INTERVAL, MIN_REPORT_INTERVAL);
        Duration maxAge = r.duration(Setting.MAX_TOKEN_AGE, JwtVerifierSettings.DEFAULT_MAX_TOKEN_AGE, Duration.ZERO);
        Optional<String> nodeId = r.string(Setting.NODE_ID);
        if (nodeId.isPresent() && !NODE_ID.matcher(nodeId.get()).matches()) {
            throw SettingReader.invalid(r.raw(Setting.NODE_ID), "is not a node id", "1-64 of A-Z a-z 0-9 . _ -, like node-1");
        }
        Duration presence = r.duration(Setting.PRESENCE_INTERVAL, DEFAULT_PRESENCE_INTERVAL, MIN_PRESENCE_INTERVAL);
        return new ControlSettings(interval, maxAge, nodeId, presence);
    }
}

package io.rtgw.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rtgw.core.ChannelName;
import io.rtgw.core.ClientIdentity;
import io.rtgw.core.DisconnectReason;
import io.rtgw.core.Publication;
import io.rtgw.core.Transport;
import io.rtgw.core.auth.AuthFailure;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicrometerObserverTest {
    /** docs/protocol.md §8 and §4, written out here so a change of an enum in core shows up as a failure. */
    static final Set<String> TRANSPORTS = Set.of("websocket", "sse", "long_poll");
    static final Set<String> AUTH_REASONS = Set.of("missing", "invalid", "expired", "oversized", "forbidden",
            "origin", "timeout");
    static final Set<String> CLOSE_REASONS = Set.of("normal", "bad_request", "invalid_json", "too_large",
            "unauthorized", "forbidden", "not_found", "token_expired", "slow_consumer", "limit_reached",
            "rate_limited", "no_pong", "lifetime", "shutdown", "internal", "unavailable", "disconnected", "revoked");
    static final Set<String> SOURCES = Set.of("api", "websocket", "redis", "other");

    static final long NOW_MICROS = 1_750_000_000_000_000L;

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AtomicLong clock = new AtomicLong(NOW_MICROS);
    final MicrometerObserver observer = new MicrometerObserver(registry, MetricsOptions.defaults(), clock::get);

    @AfterEach
    void close() {
        registry.close();
    }

    Exposition scrape() {
        return Exposition.parse(registry.scrape());
    }

    static Publication publication(String tenant, long publishedAtMicros) {
        return new Publication(ChannelName.of(tenant, "room:1"), null, "message", "{}", publishedAtMicros);
    }

    @Test
    void everyFixedSeriesExistsAtZeroBeforeAnyEvent() {
        Exposition e = scrape();
        for (String t : TRANSPORTS) {
            for (String name : List.of("rtgw_connections", "rtgw_connections_opened_total",
                    "rtgw_messages_delivered_total", "rtgw_messages_received_total", "rtgw_parse_errors_total",
                    "rtgw_send_failures_total", "rtgw_connection_duration_seconds_count")) {
                assertThat(e.value(name, "transport", t)).as(name + " " + t).isZero();
            }
            for (DisconnectReason r : DisconnectReason.values()) {
                assertThat(e.value("rtgw_connections_closed_total", "reason", r.reason(), "transport", t)).isZero();
            }
        }
        for (String s : SOURCES) {
            assertThat(e.value("rtgw_messages_published_total", "source", s)).isZero();
        }
        for (String r : AUTH_REASONS) {
            assertThat(e.value("rtgw_auth_failures_total", "reason", r)).isZero();
        }
        for (String name : List.of("rtgw_delivery_latency_seconds_count", "rtgw_replay_messages_total",
                "rtgw_replay_gaps_total", "rtgw_channel_subscriptions", "rtgw_broker_up", "rtgw_presence_errors_total")) {
            assertThat(e.value(name)).as(name).isZero();
        }
    }

    @Test
    void hooksCountIntoTheirSeries() {
        ClientIdentity alice = new ClientIdentity("alice", "acme", 0, List.of(), List.of());
        observer.presenceError();
        observer.presenceError();
        observer.connectionOpened(Transport.WEBSOCKET);
        observer.connectionOpened(Transport.WEBSOCKET);
        observer.connectionOpened(Transport.SSE);
        observer.connectionClosed(Transport.WEBSOCKET, alice, DisconnectReason.SLOW_CONSUMER,
                TimeUnit.SECONDS.toNanos(90), 12);
        observer.connectionClosed(Transport.WEBSOCKET, null, DisconnectReason.UNAUTHORIZED, -5, 0);
        observer.published("api");
        observer.published("redis");
        observer.published("redis");
        observer.published("kafka");
        observer.published(null);
        observer.delivered(Transport.SSE, publication("acme", NOW_MICROS));
        observer.delivered(Transport.LONG_POLL, publication("acme", NOW_MICROS));
        observer.messageReceived(Transport.WEBSOCKET);
        observer.replayed(7);
        observer.replayed(0);
        observer.gap();
        observer.authFailure(AuthFailure.EXPIRED);
        observer.authFailure(AuthFailure.ORIGIN);
        observer.parseError(Transport.WEBSOCKET);
        observer.sendFailure(Transport.SSE);
        observer.subscriptionsChanged(3);
        observer.subscriptionsChanged(-1);
        observer.brokerState(true);

        Exposition e = scrape();
        assertThat(e.value("rtgw_connections", "transport", "websocket")).isZero();
        assertThat(e.value("rtgw_connections", "transport", "sse")).isEqualTo(1);
        assertThat(e.value("rtgw_connections_opened_total", "transport", "websocket")).isEqualTo(2);
        assertThat(e.value("rtgw_connections_closed_total", "transport", "websocket", "reason", "slow_consumer"))
                .isEqualTo(1);
        assertThat(e.value("rtgw_connections_closed_total", "transport", "websocket", "reason", "unauthorized"))
                .isEqualTo(1);
        assertThat(e.value("rtgw_connections_closed_total", "transport", "sse", "reason", "slow_consumer"))
                .isZero();
        assertThat(e.value("rtgw_connection_duration_seconds_count", "transport", "websocket")).isEqualTo(2);
        assertThat(e.value("rtgw_connection_duration_seconds_sum", "transport", "websocket")).isEqualTo(90);
        // The negative duration was clamped to 0, so it sits in the lowest bucket.
        assertThat(e.value("rtgw_connection_duration_seconds_bucket", "transport", "websocket", "le", "1.0"))
                .isEqualTo(1);
        assertThat(e.value("rtgw_connection_duration_seconds_bucket", "transport", "websocket", "le", "60.0"))
                .isEqualTo(1);
        assertThat(e.value("rtgw_connection_duration_seconds_bucket", "transport", "websocket", "le", "300.0"))
                .isEqualTo(2);
        assertThat(e.value("rtgw_messages_published_total", "source", "api")).isEqualTo(1);
        assertThat(e.value("rtgw_messages_published_total", "source", "redis")).isEqualTo(2);
        assertThat(e.value("rtgw_messages_published_total", "source", "websocket")).isZero();
        assertThat(e.value("rtgw_messages_published_total", "source", "other")).isEqualTo(2);
        assertThat(e.value("rtgw_messages_delivered_total", "transport", "sse")).isEqualTo(1);
        assertThat(e.value("rtgw_messages_delivered_total", "transport", "long_poll")).isEqualTo(1);
        assertThat(e.value("rtgw_messages_delivered_total", "transport", "websocket")).isZero();
        assertThat(e.value("rtgw_messages_received_total", "transport", "websocket")).isEqualTo(1);
        assertThat(e.value("rtgw_replay_messages_total")).isEqualTo(7);
        assertThat(e.value("rtgw_replay_gaps_total")).isEqualTo(1);
        assertThat(e.value("rtgw_presence_errors_total")).isEqualTo(2);
        assertThat(e.value("rtgw_auth_failures_total", "reason", "expired")).isEqualTo(1);
        assertThat(e.value("rtgw_auth_failures_total", "reason", "origin")).isEqualTo(1);
        assertThat(e.value("rtgw_auth_failures_total", "reason", "missing")).isZero();
        assertThat(e.value("rtgw_parse_errors_total", "transport", "websocket")).isEqualTo(1);
        assertThat(e.value("rtgw_send_failures_total", "transport", "sse")).isEqualTo(1);
        assertThat(e.value("rtgw_channel_subscriptions")).isEqualTo(2);
        assertThat(e.value("rtgw_broker_up")).isEqualTo(1);

        observer.brokerState(false);
        assertThat(scrape().value("rtgw_broker_up")).isZero();
    }

    @Test
    void bothBadRequestReasonsShareOneSeries() {
        observer.connectionClosed(Transport.WEBSOCKET, null, DisconnectReason.BINARY_FRAME, 1, 0);
        observer.connectionClosed(Transport.WEBSOCKET, null, DisconnectReason.BAD_REQUEST, 1, 0);
        assertThat(scrape().value("rtgw_connections_closed_total", "transport", "websocket", "reason",
                "bad_request")).isEqualTo(2);
    }

    @Test
    void latencyHistogramHasTheSloBucketsAndClampsClockSkew() {
        long[] ageMicros = {500, 3_000, 20_000, 7_000_000, 30_000_000, -5_000};
        for (long age : ageMicros) {
            observer.delivered(Transport.WEBSOCKET, publication("acme", NOW_MICROS - age));
        }
        Exposition e = scrape();
        Map<String, Double> buckets = e.named("rtgw_delivery_latency_seconds_bucket").stream()
                .collect(Collectors.toMap(s -> s.labels().get("le"), Exposition.Sample::value));
        assertThat(buckets).containsOnlyKeys("0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf");
        // Cumulative: 0.5 ms and the clamped -5 ms are ≤ 1 ms; 3 ms ≤ 5 ms; 20 ms ≤ 25 ms; 7 s ≤ 10 s.
        assertThat(buckets.get("0.001")).isEqualTo(2);
        assertThat(buckets.get("0.0025")).isEqualTo(2);
        assertThat(buckets.get("0.005")).isEqualTo(3);
        assertThat(buckets.get("0.01")).isEqualTo(3);
        assertThat(buckets.get("0.025")).isEqualTo(4);
        assertThat(buckets.get("5.0")).isEqualTo(4);
        assertThat(buckets.get("10.0")).isEqualTo(5);
        assertThat(buckets.get("+Inf")).isEqualTo(6);
        assertThat(e.value("rtgw_delivery_latency_seconds_count")).isEqualTo(6);
        assertThat(e.value("rtgw_delivery_latency_seconds_sum")).isCloseTo(37.0235, within(1e-9));
    }

    @Test
    void everyRtgwLabelValueIsFromTheFixedSets() {
        for (Transport t : Transport.values()) {
            observer.connectionOpened(t);
            observer.delivered(t, publication("acme", NOW_MICROS - 1000));
            observer.messageReceived(t);
            observer.parseError(t);
            observer.sendFailure(t);
            for (DisconnectReason r : DisconnectReason.values()) {
                observer.connectionClosed(t, null, r, 1_000_000, 0);
            }
        }
        for (AuthFailure f : AuthFailure.values()) {
            observer.authFailure(f);
        }
        for (String s : List.of("api", "websocket", "redis", "something-new", "")) {
            observer.published(s);
        }
        List<Exposition.Sample> rtgw = scrape().samples().stream()
                .filter(s -> s.name().startsWith("rtgw_")).toList();
        assertThat(rtgw).isNotEmpty();
        for (Exposition.Sample s : rtgw) {
            for (Map.Entry<String, String> label : s.labels().entrySet()) {
                String v = label.getValue();
                switch (label.getKey()) {
                    case "transport" -> assertThat(TRANSPORTS).as(s.toString()).contains(v);
                    case "source" -> assertThat(SOURCES).as(s.toString()).contains(v);
                    case "reason" -> assertThat(s.name().startsWith("rtgw_auth_failures") ? AUTH_REASONS
                            : CLOSE_REASONS).as(s.toString()).contains(v);
                    case "le" -> assertThat(s.name()).endsWith("_bucket");
                    default -> throw new AssertionError("unexpected label " + label + " on " + s);
                }
            }
        }
        // The enums of core stay within the documented sets, and the sets are fully registered.
        assertThat(Arrays.stream(Transport.values()).map(Transport::label)).containsExactlyInAnyOrderElementsOf(
                TRANSPORTS);
        // distinct: a revoked token is counted as "invalid" (§8's fixed list), so two values share it
        assertThat(Arrays.stream(AuthFailure.values()).map(AuthFailure::label).distinct())
                .containsExactlyInAnyOrderElementsOf(AUTH_REASONS);
        assertThat(Arrays.stream(DisconnectReason.values()).map(DisconnectReason::reason))
                .allMatch(CLOSE_REASONS::contains);
        assertThat(MicrometerObserver.SOURCES).containsExactlyInAnyOrderElementsOf(SOURCES);
    }
}

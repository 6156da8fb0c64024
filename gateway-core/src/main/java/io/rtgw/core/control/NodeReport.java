package io.rtgw.core.control;

/**
 * What a node says about itself every report interval ({@code GET /api/info}, docs/protocol.md §7).
 *
 * @param startedAt  Unix seconds
 * @param reportedAt Unix milliseconds of this report; readers drop nodes silent for 3 intervals
 */
public record NodeReport(String id, String version, long startedAt, int connections, int subscriptions,
                         boolean brokerUp, boolean draining, long reportedAt) {
}

package io.rtgw.core.broker;

/**
 * A publish refused because the broker holds as much as it was allowed to (channels or retained
 * bytes). Not temporary in the sense of a broker outage: the same publish succeeds only once
 * other channels expire, so callers answer {@code limit_reached} (docs/protocol.md §4) instead of
 * asking for a retry.
 */
public final class BrokerLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerLimitException(String message) {
        super(message, null, false, false);
    }
}

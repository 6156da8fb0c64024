package io.rtgw.core.broker;

import io.rtgw.core.ChannelName;
import java.util.Objects;

/**
 * @param data           compact JSON text
 * @param idempotencyKey null for none
 */
public record PublishRequest(ChannelName channel, String event, String data, String idempotencyKey) {
    public static final String DEFAULT_EVENT = "message";

    public PublishRequest {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(data, "data");
        if (event == null || event.isEmpty()) {
            event = DEFAULT_EVENT;
        }
    }
}

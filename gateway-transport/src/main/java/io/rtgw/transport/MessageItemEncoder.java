package io.rtgw.transport;

import io.rtgw.core.Publication;
import io.rtgw.core.PublicationEncoder;

/** The {@code message} JSON shared by WebSocket frames and long-poll items: one encoding for both. */
public final class MessageItemEncoder implements PublicationEncoder {
    public static final MessageItemEncoder INSTANCE = new MessageItemEncoder();

    private MessageItemEncoder() {
    }

    @Override
    public int slot() {
        return 0;
    }

    @Override
    public byte[] encode(Publication publication) {
        return WireJson.messageItem(publication);
    }
}

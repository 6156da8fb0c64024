package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.rtgw.core.ErrorCode;
import io.rtgw.core.ServerMessage;
import io.rtgw.core.ServerMessage.ErrorReply;
import io.rtgw.core.ServerMessage.Subscribed;
import io.rtgw.core.ServerMessage.UnsubscribeReason;
import io.rtgw.core.ServerMessage.Unsubscribed;
import io.rtgw.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireJsonTest {

    private static String json(ServerMessage message) {
        ByteBuf buf = WireJson.control(UnpooledByteBufAllocator.DEFAULT, message, 25);
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void repliesCarryTheRefOfTheirCommandOnlyWhenItHadOne() {
        StreamPosition at = new StreamPosition("k3x9qz", 41);
        assertThat(json(new Subscribed("room:1", at, true, "s1")))
                .isEqualTo("{\"type\":\"subscribed\",\"channel\":\"room:1\",\"position\":\"" + at
                        + "\",\"recovered\":true,\"ref\":\"s1\"}");
        assertThat(json(new Subscribed("user:alice", at, false, null))).doesNotContain("ref");
        assertThat(json(new Unsubscribed("room:1", UnsubscribeReason.CLIENT, "u1")))
                .isEqualTo("{\"type\":\"unsubscribed\",\"channel\":\"room:1\",\"reason\":\"client\",\"ref\":\"u1\"}");
        assertThat(json(new Unsubscribed("room:1", UnsubscribeReason.REVOKED, null)))
                .isEqualTo("{\"type\":\"unsubscribed\",\"channel\":\"room:1\",\"reason\":\"revoked\"}");
    }

    @Test
    void everyErrorSaysWhetherItIsTemporaryAndNamesItsChannel() {
        assertThat(json(new ErrorReply("s1", "room:1", ErrorCode.UNAVAILABLE, "broker down")))
                .isEqualTo("{\"type\":\"error\",\"ref\":\"s1\",\"channel\":\"room:1\",\"code\":\"unavailable\","
                        + "\"message\":\"broker down\",\"temporary\":true}");
        assertThat(json(new ErrorReply(null, null, ErrorCode.BAD_REQUEST, "unknown type")))
                .isEqualTo("{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"unknown type\",\"temporary\":false}");
    }
}

package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.Revocation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control plane's wire format: every command survives the trip, anything else is refused. */
class ControlMessagesTest {

    private static ControlMessages.Message decode(String json) {
        return ControlMessages.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandRoundTrips() {
        for (ControlCommand command : List.of(
                new ControlCommand.Disconnect("acme", "alice", null, false),
                new ControlCommand.Disconnect("acme", "alice", "c-1", true),
                new ControlCommand.Unsubscribe("acme", "ali\"ce", "room:1"),
                new ControlCommand.Revoke(Revocation.ofUser("acme", "bob|x", 1_700_000_000L)),
                new ControlCommand.Revoke(Revocation.ofToken("acme", "jti-1", 1_800_000_000L)),
                new ControlCommand.Lift(Revocation.ofUser("acme", "bob", 0)),
                new ControlCommand.Lift(Revocation.ofToken("acme", "jti-2", 5)))) {
            ControlMessages.Message decoded = decode(ControlMessages.command("n1.7", "n1", command));
            assertThat(decoded).isEqualTo(new ControlMessages.Command("n1.7", "n1", command));
        }
        assertThat(decode(ControlMessages.reply("n1.7", "n2", 12))).isEqualTo(new ControlMessages.Reply("n1.7", "n2", 12));
    }

    @Test
    void anythingElseIsRefused() {
        for (String junk : List.of("", "null", "42", "\"disconnect\"", "[]", "{}", "{\"type\":1,\"id\":\"x\"}",
                "{\"type\":\"disconnect\",\"id\":\"x\",\"origin\":\"o\",\"tenant\":\"t\"}",
                "{\"type\":\"revoke\",\"id\":\"x\",\"origin\":\"o\",\"tenant\":\"t\",\"user\":\"u\"}",
                "{\"type\":\"revoke\",\"id\":\"x\",\"origin\":\"o\",\"tenant\":\"t\",\"jti\":\"j\",\"exp\":1.5}",
                "{\"type\":\"" + "x".repeat(1000) + "\",\"id\":\"x\"}")) {
            assertThatThrownBy(() -> decode(junk)).as(junk).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(100));
        }
    }
}

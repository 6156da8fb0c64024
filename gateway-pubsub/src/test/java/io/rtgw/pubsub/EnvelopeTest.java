package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.ChannelName;
import io.rtgw.core.Publication;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final ChannelName ROOM = ChannelName.of("acme", "room:42");

    private static byte[] marked(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Envelope.MARKER);
        out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void aGatewayEnvelopeCarriesItsIdEventAndCompactData() {
        Publication p = Envelope.decode(ROOM, marked("7\nabc\n1700000000000000\nchat\n{\"a\":\n [1, 2]}"), 0);
        assertThat(p.position()).hasToString("7.abc");
        assertThat(p.event()).isEqualTo("chat");
        assertThat(p.data()).isEqualTo("{\"a\":[1,2]}");
        assertThat(p.publishedAtMicros()).isEqualTo(1700000000000000L);
    }

    @Test
    void dataMayContainNewlinesAfterTheHeader() {
        Publication p = Envelope.decode(ROOM, marked("1\nabc\n0\nev\n\"line\\nbreak\""), 0);
        assertThat(p.data()).isEqualTo("\"line\\nbreak\"");
    }

    @Test
    void malformedOrReservedEnvelopesAreDropped() {
        assertThat(Envelope.decode(ROOM, marked("x\nabc\n0\nev\n{}"), 0)).isNull();
        assertThat(Envelope.decode(ROOM, marked("1\nABC\n0\nev\n{}"), 0)).isNull();
        assertThat(Envelope.decode(ROOM, marked("1\nabc\n0\nrtgw.close\n{}"), 0)).isNull();
        assertThat(Envelope.decode(ROOM, marked("1\nabc\n0\nev"), 0)).isNull();
        assertThat(Envelope.decode(ROOM, new byte[]{(byte) 0xff, 'r', 't', 'g', 'w', '1', '\n', (byte) 0xc3}, 0)).isNull();
    }

    @Test
    void everythingElseIsLiveOnly() {
        Publication json = Envelope.decode(ROOM, "{ \"x\" : 1 }".getBytes(StandardCharsets.UTF_8), 5);
        assertThat(json.position()).isNull();
        assertThat(json.event()).isEqualTo("message");
        assertThat(json.data()).isEqualTo("{\"x\":1}");
        assertThat(json.publishedAtMicros()).isEqualTo(5);
        Publication text = Envelope.decode(ROOM, "two\nlines".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(text.data()).isEqualTo("\"two\\nlines\"");
        Publication twoValues = Envelope.decode(ROOM, "1 2".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(twoValues.data()).isEqualTo("\"1 2\"");
        Publication empty = Envelope.decode(ROOM, new byte[0], 0);
        assertThat(empty.data()).isEqualTo("\"\"");
    }
}

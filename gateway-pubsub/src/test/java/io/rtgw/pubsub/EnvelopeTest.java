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

    private static byte[] legacy(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Envelope.LEGACY_MARKER);
        out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void anAppPayloadNeverHasAnIdWhateverItsBytes() {
        Publication current = Envelope.decodeLive(ROOM, marked("7\nabc\n0\nchat\n{}"), 3);
        assertThat(current.position()).isNull();
        assertThat(current.event()).isEqualTo("message");
        // version 1's envelopes went to the app channel; such bytes there are a forgery or a copy for old nodes
        assertThat(Envelope.decodeLive(ROOM, legacy("777\nfakeepoch\n0\nchat\n{}"), 0)).isNull();
    }

    @Test
    void aGatewayEnvelopeCarriesItsIdEventAndCompactData() {
        Publication p = Envelope.decodeEnvelope(ROOM, marked("7\nabc\n1700000000000000\nchat\n{\"a\":\n [1, 2]}"));
        assertThat(p.position()).hasToString("7.abc");
        assertThat(p.event()).isEqualTo("chat");
        assertThat(p.data()).isEqualTo("{\"a\":[1,2]}");
        assertThat(p.publishedAtMicros()).isEqualTo(1700000000000000L);
    }

    @Test
    void dataMayContainNewlinesAfterTheHeader() {
        Publication p = Envelope.decodeEnvelope(ROOM, marked("1\nabc\n0\nev\n\"line\\nbreak\""));
        assertThat(p.data()).isEqualTo("\"line\\nbreak\"");
    }

    @Test
    void malformedOrReservedEnvelopesAreDropped() {
        assertThat(Envelope.decodeEnvelope(ROOM, marked("x\nabc\n0\nev\n{}"))).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, marked("1\nABC\n0\nev\n{}"))).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, marked("1\nabc\n0\nrtgw.close\n{}"))).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, marked("1\nabc\n0\nev"))).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, new byte[]{(byte) 0xff, 'r', 't', 'g', 'w', '2', '\n', (byte) 0xc3})).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, "{}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(Envelope.decodeEnvelope(ROOM, legacy("1\nabc\n0\nev\n{}"))).isNull();
    }

    @Test
    void everythingElseIsLiveOnly() {
        Publication json = Envelope.decodeLive(ROOM, "{ \"x\" : 1 }".getBytes(StandardCharsets.UTF_8), 5);
        assertThat(json.position()).isNull();
        assertThat(json.event()).isEqualTo("message");
        assertThat(json.data()).isEqualTo("{\"x\":1}");
        assertThat(json.publishedAtMicros()).isEqualTo(5);
        Publication text = Envelope.decodeLive(ROOM, "two\nlines".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(text.data()).isEqualTo("\"two\\nlines\"");
        Publication twoValues = Envelope.decodeLive(ROOM, "1 2".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(twoValues.data()).isEqualTo("\"1 2\"");
        Publication empty = Envelope.decodeLive(ROOM, new byte[0], 0);
        assertThat(empty.data()).isEqualTo("\"\"");
    }
}

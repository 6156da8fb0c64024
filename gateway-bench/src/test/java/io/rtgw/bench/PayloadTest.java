package io.rtgw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {
    @Test
    void theFourFieldsAreFoundInsideAnyWireFormat() {
        String body = Payload.json(123456789L, 7, 42, 3, "xx");
        String ws = "{\"type\":\"message\",\"channel\":\"bench:7\",\"id\":\"42.abc\",\"event\":\"message\",\"data\":" + body + "}";
        byte[] b = ws.getBytes(StandardCharsets.US_ASCII);
        long[] f = new long[4];
        assertThat(Payload.scan(b, 0, b.length, f)).isTrue();
        assertThat(f).containsExactly(123456789L, 7, 42, 3);
        assertThat(Payload.stringField(b, 0, b.length, "id")).isEqualTo("42.abc");
    }

    @Test
    void aFrameWithoutThePayloadIsRecognised() {
        byte[] b = "{\"type\":\"subscribed\",\"channel\":\"bench:1\"}".getBytes(StandardCharsets.US_ASCII);
        assertThat(Payload.scan(b, 0, b.length, new long[4])).isFalse();
        assertThat(Payload.stringField(b, 0, b.length, "id")).isNull();
    }

    @Test
    void countsTakeSuffixes() {
        Options o = Options.parse("fanout", "--n", "10k", "--rates", "100,2.5k,1m", "--peer=nchan", "--flag");
        assertThat(o.getInt("n", 0)).isEqualTo(10_000);
        assertThat(o.getCounts("rates", "")).containsExactly(100, 2500, 1_000_000);
        assertThat(o.get("peer", null)).isEqualTo("nchan");
        assertThat(o.flag("flag")).isTrue();
        assertThat(o.positional()).containsExactly("fanout");
    }
}

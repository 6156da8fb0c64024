package io.rtgw.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    @Test
    void eventsSplitAnywhereAreReassembled() {
        List<String> seen = new ArrayList<>();
        SseParser p = new SseParser(e -> seen.add(e.eventName() + "|" + e.id() + "|"
                + new String(e.data(), 0, e.dataLength(), StandardCharsets.UTF_8)));
        String stream = "retry: 2000\n\nid: c1\nevent: rtgw.connected\ndata: {}\n\n: comment\r\n"
                + "id: c2\r\ndata: {\"a\":1}\r\ndata: more\r\n\r\ndata: no id\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) { // worst case: one byte per chunk
            p.feed(new byte[] {b});
        }
        assertThat(seen).containsExactly("rtgw.connected|c1|{}", "message|c2|{\"a\":1}\nmore", "message|null|no id");
    }

    @Test
    void mixWeightsAreSpreadEvenly() {
        Mix m = Mix.parse("ws:2,sse:1,poll:1");
        assertThat(m.count("ws", 100)).isEqualTo(50);
        assertThat(m.count("sse", 100)).isEqualTo(25);
        assertThat(m.transportOf(3)).isEqualTo("poll");
    }
}

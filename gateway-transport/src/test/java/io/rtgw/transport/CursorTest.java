package io.rtgw.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CursorTest {
    private static final List<String> ABC = List.of("room:a", "room:b", "user:alice");

    @Test
    void roundTripsEveryPositionAndWritesASharedEpochOnce() {
        Cursor c = new Cursor(ABC);
        c.set(0, new StreamPosition("k3j9x", 0));
        c.set(1, new StreamPosition("k3j9x", 123_456));
        c.set(2, new StreamPosition("zz", Long.MAX_VALUE));
        String text = c.text();
        assertThat(text).matches("[0-9a-z._~-]+");
        assertThat(text).containsOnlyOnce("k3j9x");
        Cursor back = Cursor.decode(text, ABC);
        assertThat(back).isNotNull();
        for (int i = 0; i < ABC.size(); i++) {
            assertThat(back.position(i)).isEqualTo(c.position(i));
        }
        assertThat(back.text()).isEqualTo(text);
    }

    @Test
    void unknownPositionsStayUnknown() {
        Cursor c = new Cursor(ABC);
        c.set(1, new StreamPosition("e1", 7));
        Cursor back = Cursor.decode(c.text(), ABC);
        assertThat(back.position(0)).isNull();
        assertThat(back.position(1)).isEqualTo(new StreamPosition("e1", 7));
        assertThat(back.position(2)).isNull();
    }

    @Test
    void aCursorOfAShorterListCoversItsPrefixAndTheRestStartsLive() {
        Cursor c = new Cursor(ABC.subList(0, 2));
        c.set(0, new StreamPosition("e1", 1));
        c.set(1, new StreamPosition("e1", 2));
        Cursor back = Cursor.decode(c.text(), ABC);
        assertThat(back).isNotNull();
        assertThat(back.position(1)).isEqualTo(new StreamPosition("e1", 2));
        assertThat(back.position(2)).isNull();
    }

    @Test
    void aCursorOfAnotherChannelListIsUnreadable() {
        Cursor c = new Cursor(ABC);
        c.set(0, new StreamPosition("e1", 1));
        assertThat(Cursor.decode(c.text(), List.of("room:b", "room:a", "user:alice"))).isNull();
        assertThat(Cursor.decode(c.text(), List.of("room:a", "room:x", "user:alice"))).isNull();
        assertThat(Cursor.decode(c.text(), ABC.subList(0, 2))).isNull(); // more positions than channels
    }

    @Test
    void garbageNeverThrowsAndIsUnreadable() {
        String good = goodCursor();
        List<String> bad = new ArrayList<>(List.of("", "1", "x", "2" + good.substring(1), good + "_",
                good.replace('_', '~'), good.substring(0, good.length() - 3) + ".", "1000000_5",
                good.substring(0, 7) + "_zzzzzzzzzzzzzzzz.e1_1_1", good.substring(0, 7) + "_5_1_1",
                good.substring(0, 7) + "x_1.e1_1_1", good.substring(0, 7) + "_1.E1_1_1",
                good.substring(0, 7) + "_1.e1_-1_1", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9_1.e1"));
        for (int cut = 0; cut < good.length(); cut++) {
            bad.add(good.substring(0, cut));
        }
        for (String b : bad) {
            assertThat(Cursor.decode(b, ABC)).as(b).isNull();
        }
    }

    @Test
    void staysUnderTwoKibibytesFor64ChannelsWithLongEpochsAndHugeOffsets() {
        List<String> channels = IntStream.range(0, Cursor.MAX_CHANNELS)
                .mapToObj(i -> "namespace-" + i + ":" + "x".repeat(180)).toList();
        Cursor c = new Cursor(channels);
        for (int i = 0; i < channels.size(); i++) {
            // Alternate between two 16-character epochs so none can be shared with its neighbour.
            c.set(i, new StreamPosition((i % 2 == 0 ? "a" : "b").repeat(16), Long.MAX_VALUE - i));
        }
        assertThat(c.text().length()).isLessThan(2048);
        Cursor back = Cursor.decode(c.text(), channels);
        assertThat(back.position(63)).isEqualTo(new StreamPosition("b".repeat(16), Long.MAX_VALUE - 63));
    }

    @Test
    void theTextChangesOnlyWhenAPositionDoes() {
        Cursor c = new Cursor(ABC);
        c.set(0, new StreamPosition("e1", 1));
        String first = c.text();
        c.set(0, new StreamPosition("e1", 1));
        assertThat(c.text()).isSameAs(first);
        c.set(0, new StreamPosition("e1", 2));
        assertThat(c.text()).isNotEqualTo(first);
    }

    private static String goodCursor() {
        Cursor c = new Cursor(ABC);
        c.set(0, new StreamPosition("e1", 1));
        c.set(1, new StreamPosition("e1", 2));
        c.set(2, new StreamPosition("e2", 3));
        return c.text();
    }
}

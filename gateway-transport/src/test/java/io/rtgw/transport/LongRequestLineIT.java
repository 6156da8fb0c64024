package io.rtgw.transport;

import static io.rtgw.transport.TestAuthenticator.token;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.core.ChannelName;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md §4 allows 64 channels per stream and names of 200 characters: a request naming
 * 64 such channels, every character escaped as a client's URL encoder does, must be accepted
 * (it used to exceed the codec's 8 KiB request line and get 431).
 */
class LongRequestLineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = token("alice", "acme", "room:*");
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** 64 distinct names of exactly 200 characters; all but the prefix are characters a URL encoder escapes. */
    private static List<String> longestChannels() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Cursor.MAX_CHANNELS; i++) {
            String prefix = "room:" + String.format("%02d", i);
            names.add(prefix + "+|@=:".repeat(40).substring(0, ChannelName.MAX_NAME_LENGTH - prefix.length()));
        }
        return names;
    }

    /** Every character of the name percent-escaped: the longest form a client can send. */
    private static String query(List<String> names) {
        StringBuilder q = new StringBuilder();
        for (String name : names) {
            q.append(q.length() == 0 ? "" : "&").append("channel=");
            for (char c : name.toCharArray()) {
                q.append('%').append(String.format("%02X", (int) c));
            }
        }
        return q.toString();
    }

    @Test
    void longPollAcceptsSixtyFourChannelsOfMaximumLength() throws Exception {
        node = new TestNode();
        List<String> names = longestChannels();
        assertThat(names).hasSize(64).allMatch(n -> n.length() == 200 && ChannelName.isValidName(n));
        String query = query(names);
        assertThat(query.length()).isGreaterThan(8192 * 4);
        HttpResponse<String> r = SseClient.get(node.http("/poll?" + query), Map.of("Authorization", "Bearer " + ALICE));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String cursor = JSON.readTree(r.body()).path("cursor").asText();
        List<String> all = new ArrayList<>(names);
        all.add("user:alice");
        assertThat(Cursor.decode(cursor, all)).isNotNull();
        HttpResponse<String> again = SseClient.get(node.http("/poll?" + query + "&timeout=1&cursor=" + cursor),
                Map.of("Authorization", "Bearer " + ALICE));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    }

    @Test
    void sseAcceptsSixtyFourChannelsOfMaximumLength() throws Exception {
        node = new TestNode();
        List<String> names = longestChannels();
        try (SseClient sse = SseClient.open(node.http("/sse?" + query(names)), Map.of("Authorization", "Bearer " + ALICE))) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.connected().data().path("channels")).hasSize(65);
        }
    }

    @Test
    void aLongerRequestLineIsStillRefused() throws Exception {
        node = new TestNode();
        String tooLong = "x".repeat(PublicServer.MAX_INITIAL_LINE);
        HttpResponse<String> r = SseClient.get(node.http("/poll?channel=room:a&pad=" + tooLong),
                Map.of("Authorization", "Bearer " + ALICE));
        assertThat(r.statusCode()).isEqualTo(431);
    }
}

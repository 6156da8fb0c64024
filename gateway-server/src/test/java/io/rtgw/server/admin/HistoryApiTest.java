package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.rtgw.auth.ApiKeySet;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.core.ChannelName;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The newest messages, read with a broker that only reads forwards and has trimmed the oldest. */
class HistoryApiTest {
    private static final String KEY = "history-test-key-0123456789";
    private final InMemoryBroker broker = new InMemoryBroker(new HistoryPolicies(new HistoryPolicy(10, Duration.ofMinutes(5)), Map.of()));
    private final HistoryApi api = new HistoryApi(new ApiAccess(new LiveApiKeys(ApiKeySet.builder().global(KEY).build())), broker);

    @AfterEach
    void close() {
        broker.close();
    }

    private JsonNode get(String query) throws Exception {
        AdminRequest request = new AdminRequest(HttpMethod.GET, "/api/history",
                new io.netty.handler.codec.http.QueryStringDecoder("/api/history?" + query, StandardCharsets.UTF_8).parameters(),
                "Bearer " + KEY, null, "");
        AdminResponse r = api.handle(request).get();
        assertThat(r.status().code()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static List<Integer> data(JsonNode answer) {
        List<Integer> out = new ArrayList<>();
        answer.path("messages").forEach(m -> out.add(m.path("data").asInt()));
        return out;
    }

    @Test
    void theNewestLimitAreTheLastOnesEvenWhenOlderOnesAreTrimmed() throws Exception {
        broker.start(new io.rtgw.core.broker.BrokerListener() {
            @Override
            public void onPublication(io.rtgw.core.Publication publication) {
            }
        }).get();
        ChannelName channel = ChannelName.of("acme", "room:t");
        for (int i = 1; i <= 30; i++) {
            broker.publish(new PublishRequest(channel, "m", Integer.toString(i), null)).get();
        }
        assertThat(data(get("tenant=acme&channel=room:t&limit=3"))).containsExactly(28, 29, 30);
        JsonNode all = get("tenant=acme&channel=room:t&limit=25");
        assertThat(data(all)).as("only 10 are held: the newest of those").containsExactly(21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
        assertThat(all.path("gap").asBoolean()).isFalse();
        assertThat(all.path("position").asText()).startsWith("30.");
        JsonNode trimmed = get("tenant=acme&channel=room:t&since=" + all.path("messages").get(0).path("id").asText()
                .replaceFirst("^21\\.", "2."));
        assertThat(trimmed.path("gap").asBoolean()).as("resuming from a trimmed id").isTrue();
        assertThat(data(trimmed)).containsExactly(21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
    }
}

package io.rtgw.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.rtgw.auth.ApiKeySet;
import io.rtgw.auth.LiveApiKeys;
import io.rtgw.core.GatewayObserver;
import io.rtgw.core.StreamPosition;
import io.rtgw.core.broker.Broker;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.broker.EmbeddedLimits;
import io.rtgw.core.broker.HistoryPolicies;
import io.rtgw.core.broker.HistoryPolicy;
import io.rtgw.core.broker.InMemoryBroker;
import io.rtgw.core.broker.PublishRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answers of {@code POST /api/publish}, written without a tree, to the byte. */
class PublishApiTest {
    private static final String KEY = "publish-test-key-0123456789";
    /** Holds two channels at most; publishes to channels named {@code down:…} fail as an unreachable Redis would. */
    private final InMemoryBroker embedded = new InMemoryBroker(new HistoryPolicies(new HistoryPolicy(10, Duration.ofMinutes(5)),
            Map.of()), Duration.ofMinutes(5), Clock.systemUTC(), new EmbeddedLimits(2, 1 << 20, Duration.ofMinutes(1)));
    private final Broker broker = new Broker() {
        @Override
        public CompletableFuture<Void> start(BrokerListener listener) {
            return embedded.start(listener);
        }

        @Override
        public CompletableFuture<Void> subscribe(io.rtgw.core.ChannelName channel) {
            return embedded.subscribe(channel);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(io.rtgw.core.ChannelName channel) {
            return embedded.unsubscribe(channel);
        }

        @Override
        public CompletableFuture<StreamPosition> publish(PublishRequest request) {
            return request.channel().name().startsWith("down:")
                    ? CompletableFuture.failedFuture(new IllegalStateException("connection refused"))
                    : embedded.publish(request);
        }

        @Override
        public CompletableFuture<io.rtgw.core.broker.HistoryResult> history(io.rtgw.core.ChannelName channel,
                                                                          StreamPosition since, int limit) {
            return embedded.history(channel, since, limit);
        }

        @Override
        public boolean isUp() {
            return true;
        }

        @Override
        public void close() {
            embedded.close();
        }
    };
    private final PublishApi api = new PublishApi(broker, new LiveApiKeys(ApiKeySet.builder().global(KEY).build()),
            GatewayObserver.NOOP);

    @AfterEach
    void close() {
        broker.close();
    }

    private String post(String body, int status) throws Exception {
        AdminResponse r = api.handle(new AdminRequest(HttpMethod.POST, "/api/publish", Map.of(), "Bearer " + KEY,
                "application/json", body)).get();
        String answer = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.status().code()).as(answer).isEqualTo(status);
        assertThat(r.contentType()).isEqualTo(AdminResponse.JSON);
        return answer.replaceAll("\\.[0-9a-z]{8,}\"", ".E\""); // the broker's epoch is random
    }

    @Test
    void onePublishSeveralChannelsAndABatchAreAnsweredInTheirShapes() throws Exception {
        broker.start(publication -> { }).get();
        assertThat(post("{\"tenant\":\"acme\",\"channel\":\"a\",\"data\":{\"x\":1}}", 200)).isEqualTo("{\"id\":\"1.E\"}");
        assertThat(post("{\"tenant\":\"acme\",\"channels\":[\"b\",\"a\"],\"data\":2}", 200))
                .isEqualTo("{\"ids\":{\"b\":\"1.E\",\"a\":\"2.E\"}}");
        assertThat(post("[{\"tenant\":\"acme\",\"channel\":\"a\",\"data\":3},{\"tenant\":\"acme\",\"channels\":[\"a\"],\"data\":4}]", 200))
                .isEqualTo("[{\"id\":\"3.E\"},{\"ids\":{\"a\":\"4.E\"}}]");
    }

    @Test
    void aFullBrokerAnswers429AndAFailingOne503ItemByItem() throws Exception {
        broker.start(publication -> { }).get();
        post("{\"tenant\":\"acme\",\"channels\":[\"a\",\"b\"],\"data\":1}", 200);
        String full = "{\"error\":\"limit_reached\",\"message\":\"the broker holds its maximum of 2 channels; "
                + "publishing to channels it holds still works\"}";
        assertThat(post("{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1}", 429)).isEqualTo(full);
        assertThat(post("[{\"tenant\":\"acme\",\"channel\":\"a\",\"data\":1},{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1}]", 429))
                .isEqualTo("[{\"id\":\"2.E\"}," + full + "]");
        String down = "{\"error\":\"internal\",\"message\":\"the broker did not accept the publication; retry with the same "
                + "idempotencyKey\"}";
        assertThat(post("[{\"tenant\":\"acme\",\"channel\":\"c\",\"data\":1},{\"tenant\":\"acme\",\"channels\":[\"a\",\"down:1\"],"
                + "\"data\":1}]", 503)).isEqualTo("[" + full + "," + down + "]");
    }

    @Test
    void refusalsComeBeforeAnythingIsPublished() throws Exception {
        broker.start(publication -> { }).get();
        assertThat(post("[{\"tenant\":\"acme\",\"channel\":\"a\",\"data\":1},{\"tenant\":\"acme\",\"channel\":\"a\"}]", 400))
                .isEqualTo("{\"error\":\"bad_request\",\"message\":\"item 1: 'data' is required (any JSON value)\",\"field\":\"data\"}");
        assertThat(post("{\"tenant\":\"acme\",\"channel\":\"a\",\"data\":1}", 200)).as("the batch published nothing")
                .isEqualTo("{\"id\":\"1.E\"}");
    }
}

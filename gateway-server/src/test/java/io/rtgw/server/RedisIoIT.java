package io.rtgw.server;

import static io.rtgw.server.RunningGateway.API_KEY;
import static io.rtgw.server.RunningGateway.token;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rtgw.pubsub.RedisResources;
import io.rtgw.server.config.BrokerSettings;
import io.rtgw.testkit.RedisServerExtension;
import io.rtgw.transport.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * {@code RTGW_REDIS_IO} end to end: by default ({@code shared}) the broker's pub/sub connections
 * run on the node's worker loops (commands keep Lettuce's); with {@code own} Lettuce keeps all of
 * them on its own loops; and the node still closes cleanly (its Redis
 * users close before the loops stop); a node forced onto NIO while Lettuce would use epoll still
 * delivers.
 */
@Timeout(150)
class RedisIoIT {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.shared();

    /** A publication through the node's API reaches a WebSocket client of the same node. */
    private static void deliversEndToEnd(RunningGateway node) throws Exception {
        String tenant = redis.tenant();
        try (WsClient ws = WsClient.connect(node.ws(), token("dora", tenant, "room:*"))) {
            ws.send("{\"type\":\"subscribe\",\"channel\":\"room:io\"}");
            ws.subscribed("room:io");
            var r = node.publish(API_KEY, "{\"tenant\":\"" + tenant + "\",\"channel\":\"room:io\",\"data\":{\"n\":1}}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ws.await("message", m -> m.path("channel").asText().equals("room:io"))
                    .path("data").path("n").asInt()).isEqualTo(1);
        }
    }

    @Test
    void sharedByDefaultRunsPubSubOnTheWorkerLoopsAndClosesWithoutErrors() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        RunningGateway node = RedisE2e.node(redis.server().uri());
        try {
            assertThat(node.gateway.config().broker().redisIo()).as("the default").isEqualTo(BrokerSettings.RedisIo.SHARED);
            assertThat(RedisResources.sharedLoops(node.gateway.pubSubResources())).isPresent();
            assertThat(RedisResources.sharedLoops(node.gateway.redisResources())).as("commands").isEmpty();
            deliversEndToEnd(node);
        } finally {
            captured.start();
            root.addAppender(captured);
            try {
                node.close();
            } finally {
                root.detachAppender(captured);
            }
        }
        assertThat(captured.list)
                .as("nothing on close complains, e.g. of a Redis connection closing on a terminated event loop")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                        || e.getFormattedMessage().contains("terminated")
                        || e.getThrowableProxy() != null && e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void ownKeepsLettucesLoops() throws Exception {
        try (RunningGateway node = RedisE2e.node(redis.server().uri(), "RTGW_REDIS_IO", "own")) {
            assertThat(node.gateway.config().broker().redisIo()).isEqualTo(BrokerSettings.RedisIo.OWN);
            assertThat(RedisResources.sharedLoops(node.gateway.redisResources())).isEmpty();
            assertThat(node.gateway.pubSubResources()).isNull();
            deliversEndToEnd(node);
        }
    }

    @Test
    void aNodeOnNioStillDeliversThroughRedis() throws Exception {
        System.setProperty("rtgw.nio", "true");
        RunningGateway node;
        try {
            node = RedisE2e.node(redis.server().uri(), "RTGW_REDIS_IO", "shared");
        } finally {
            System.clearProperty("rtgw.nio");
        }
        try (node) {
            // Lettuce picks native epoll here, so it keeps its own loops; it shares them where both use NIO
            deliversEndToEnd(node);
        }
    }
}

package io.rtgw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.metrics.Exposition;
import io.rtgw.transport.SseClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Small helpers shared by the gateway-level Redis tests (Redis*IT). */
final class RedisE2e {
    static final ObjectMapper JSON = new ObjectMapper();

    private RedisE2e() {
    }

    /** A node on this Redis, plus any extra RTGW_* settings (name, value, name, value…). */
    static RunningGateway node(String redisUrl, String... extra) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("RTGW_REDIS_URL", redisUrl);
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return new RunningGateway(env);
    }

    /** The Redis pub/sub channel (and function key) of a tenant's channel, default prefix. */
    static String key(String tenant, String channel) {
        return "rtgw:{" + tenant + ":" + channel + "}";
    }

    static String sseQuery(String path, List<String> channels, String cursor) {
        String q = channels.stream().map(c -> "channel=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return path + "?" + q + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    }

    /** One long-poll request; {@code cursor} null asks for the current position. */
    static JsonNode poll(RunningGateway node, String token, List<String> channels, String cursor) throws Exception {
        var r = SseClient.get(node.pub(sseQuery("/poll", channels, cursor) + "&timeout=5"),
                Map.of("Authorization", "Bearer " + token));
        if (r.statusCode() != 200) {
            throw new AssertionError("poll answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static List<JsonNode> items(JsonNode pollAnswer, String type, String channel) {
        return StreamSupport.stream(pollAnswer.path("messages").spliterator(), false)
                .filter(m -> m.path("type").asText().equals(type) && m.path("channel").asText().equals(channel))
                .toList();
    }

    static int readyz(RunningGateway node) throws Exception {
        return node.get(node.admin("/readyz")).statusCode();
    }

    static double brokerUp(RunningGateway node) throws Exception {
        return Exposition.parse(node.get(node.admin("/metrics")).body()).value("rtgw_broker_up");
    }

    /** {@code PUBSUB NUMSUB key} as a number: how many connections (gateway nodes) hold the channel. */
    static int numsub(io.rtgw.testkit.RedisServer server, String key) {
        String[] lines = server.cli("PUBSUB", "NUMSUB", key).split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }
}

package io.rtgw.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;

/** Reads a tenant's event stream (docs/protocol.md §10) the way an app would, for assertions. */
final class EventStreamReader implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AutoCloseable client;
    private final RedisClusterCommands<String, String> redis;

    private EventStreamReader(AutoCloseable client, RedisClusterCommands<String, String> redis) {
        this.client = client;
        this.redis = redis;
    }

    static EventStreamReader standalone(String uri) {
        RedisClient c = RedisClient.create(uri);
        return new EventStreamReader(c::shutdown, c.connect().sync());
    }

    /** @param seedUri one node of the cluster, {@code redis://host:port} */
    static EventStreamReader cluster(String seedUri) {
        RedisClusterClient c = RedisClusterClient.create(seedUri);
        return new EventStreamReader(c::shutdown, c.connect().sync());
    }

    static String key(String tenant) {
        return "rtgw:{" + tenant + "}:events";
    }

    RedisClusterCommands<String, String> redis() {
        return redis;
    }

    List<JsonNode> all(String tenant) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (StreamMessage<String, String> m : redis.xrange(key(tenant), Range.create("-", "+"))) {
            out.add(JSON.readTree(m.getBody().get("event")));
        }
        return out;
    }

    List<JsonNode> of(String tenant, String type) throws Exception {
        return all(tenant).stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** Events of one type about one user (online/offline/connect/disconnect). */
    List<JsonNode> of(String tenant, String type, String user) throws Exception {
        return of(tenant, type).stream().filter(e -> e.path("user").asText().equals(user)).toList();
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}

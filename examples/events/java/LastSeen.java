// A "last seen" table kept from the gateway's event stream (docs/events.md, docs/protocol.md §10).
//
// Run:  java -cp lettuce-core.jar:netty-*.jar:reactor-core.jar:reactive-streams.jar LastSeen.java redis://localhost:6379 acme
//
// It reads the tenant's stream with a consumer group, so several copies of the app share the work
// and a restarted one goes on where it stopped; it acknowledges an entry only after applying it,
// so an entry is never lost (it may be applied twice: applying is idempotent by event id).
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class LastSeen {
    /** One row: whether the user is online now, and since / until when (Unix ms, the event's {@code at}). */
    public record Row(boolean online, long at) {
    }

    private static final Pattern FIELD = Pattern.compile("\"(type|user|at|id)\":(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\d+))");
    private final RedisCommands<String, String> redis;
    private final String stream;
    private final String group;
    private final Consumer<String> consumer;
    private final Map<String, Row> table = new ConcurrentHashMap<>();
    /** Ids already applied (a real app keeps this in its database, or makes each write idempotent). */
    private final Map<String, Boolean> applied = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 100_000;
        }
    };

    public LastSeen(RedisCommands<String, String> redis, String tenant, String group, String consumerName) {
        this.redis = redis;
        this.stream = "rtgw:{" + tenant + "}:events"; // <prefix>:{<tenant>}:events
        this.group = group;
        this.consumer = Consumer.from(group, consumerName);
        try {
            // from the start of the stream the first time; an existing group keeps its place
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException exists) {
            // BUSYGROUP: the group is already there
        }
    }

    /** Reads up to 100 entries (entries this consumer got before a crash but never acked first), applies, acks. */
    public int poll(Duration block) {
        List<StreamMessage<String, String>> pending = redis.xreadgroup(consumer, XReadArgs.Builder.count(100),
                XReadArgs.StreamOffset.from(stream, "0"));
        List<StreamMessage<String, String>> batch = !pending.isEmpty() ? pending
                : redis.xreadgroup(consumer, XReadArgs.Builder.count(100).block(block),
                        XReadArgs.StreamOffset.lastConsumed(stream));
        for (StreamMessage<String, String> m : batch) {
            apply(m.getBody().get("event"));
            redis.xack(stream, group, m.getId());
        }
        return batch.size();
    }

    private void apply(String json) {
        Map<String, String> f = new java.util.HashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            f.putIfAbsent(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (f.get("id") == null || applied.put(f.get("id"), Boolean.TRUE) != null) {
            return; // delivery is at least once: a repeated id was applied already
        }
        String type = f.get("type");
        long at = Long.parseLong(f.getOrDefault("at", "0"));
        if ("online".equals(type)) {
            table.put(f.get("user"), new Row(true, at));
        } else if ("offline".equals(type)) {
            table.put(f.get("user"), new Row(false, at));
        }
    }

    /** user → row, as of the entries read so far. */
    public Map<String, Row> table() {
        return Map.copyOf(table);
    }

    public static void main(String[] args) {
        RedisClient client = RedisClient.create(args.length > 0 ? args[0] : "redis://localhost:6379");
        LastSeen lastSeen = new LastSeen(client.connect().sync(), args.length > 1 ? args[1] : "acme", "last-seen",
                "consumer-1");
        while (true) {
            if (lastSeen.poll(Duration.ofSeconds(5)) > 0) {
                lastSeen.table().forEach((user, row) -> System.out.println(user + (row.online()
                        ? " online since " : " last seen ") + java.time.Instant.ofEpochMilli(row.at())));
            }
        }
    }
}

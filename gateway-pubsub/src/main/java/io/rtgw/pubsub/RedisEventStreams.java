package io.rtgw.pubsub;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rtgw.core.events.AppEvent;
import io.rtgw.core.events.QueuedSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Redis mode of docs/protocol.md §10: each event is appended to its tenant's capped stream
 * {@code <prefix>:{<tenant>}:events} (one field {@code event}, {@code MAXLEN ~ RTGW_EVENTS_MAXLEN}).
 * A batch is pipelined and waited for on the sink's own thread; if any append fails the whole
 * batch is sent again (the app de-duplicates by id).
 */
public final class RedisEventStreams implements QueuedSink.Delivery {
    public static final String FIELD = "event";
    private final Supplier<RedisClusterAsyncCommands<String, String>> commands;
    private final String prefix;
    private final XAddArgs trim;

    public RedisEventStreams(Supplier<RedisClusterAsyncCommands<String, String>> commands, String keyPrefix,
                             long maxLen) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.prefix = new ChannelKeys(keyPrefix).prefix();
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming(true);
    }

    /** The tenant's stream (docs/protocol.md §10). */
    public String key(String tenant) {
        return prefix + ":{" + tenant + "}:events";
    }

    @Override
    public void deliver(List<AppEvent> batch) throws Exception {
        RedisClusterAsyncCommands<String, String> redis = commands.get();
        List<RedisFuture<String>> appends = new ArrayList<>(batch.size());
        for (AppEvent e : batch) {
            appends.add(redis.xadd(key(e.tenant()), trim, FIELD, e.json()));
        }
        for (RedisFuture<String> f : appends) {
            f.get(10, TimeUnit.SECONDS);
        }
    }
}

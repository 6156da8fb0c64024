package io.rtgw.pubsub;

import io.lettuce.core.XAddArgs;
import io.rtgw.core.events.AppEvent;
import io.rtgw.core.events.QueuedSink;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Redis mode of docs/protocol.md §10: each event is appended to its tenant's capped stream
 * {@code <prefix>:{<tenant>}:events} (one field {@code event}, {@code MAXLEN ~ RTGW_EVENTS_MAXLEN}).
 * A batch is pipelined (on the {@link BatchedWrites} connection) and waited for on the sink's own thread; if any append fails the whole
 * batch is sent again (the app de-duplicates by id).
 */
public final class RedisEventStreams implements QueuedSink.Delivery {
    public static final String FIELD = "event";
    private final BatchedWrites writes;
    private final String prefix;
    private final XAddArgs trim;

    RedisEventStreams(BatchedWrites writes, String keyPrefix, long maxLen) {
        this.writes = Objects.requireNonNull(writes, "writes");
        this.prefix = new ChannelKeys(keyPrefix).prefix();
        this.trim = XAddArgs.Builder.maxlen(maxLen).approximateTrimming(true);
    }

    /** The tenant's stream (docs/protocol.md §10). */
    public String key(String tenant) {
        return prefix + ":{" + tenant + "}:events";
    }

    @Override
    public void deliver(List<AppEvent> batch) throws Exception {
        LoopGuard.refuseOnEventLoop("appending connection events");
        writes.submit(redis -> {
            CompletableFuture<?>[] appends = new CompletableFuture<?>[batch.size()];
            for (int i = 0; i < appends.length; i++) {
                AppEvent e = batch.get(i);
                appends[i] = redis.xadd(key(e.tenant()), trim, FIELD, e.json()).toCompletableFuture();
            }
            return CompletableFuture.allOf(appends);
        }).get(10, TimeUnit.SECONDS);
    }
}

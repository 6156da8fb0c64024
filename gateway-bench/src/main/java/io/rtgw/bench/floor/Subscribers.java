package io.rtgw.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who listens to which channel, kept per event loop and touched only by that loop, so a
 * publication costs one task per loop (not per subscriber) and no lock.
 */
final class Subscribers {
    private final Map<EventExecutor, Loop> loops = new IdentityHashMap<>();
    private final FlushPolicy flush;

    Subscribers(EventLoopGroup workers, FlushPolicy flush) {
        this.flush = flush;
        for (EventExecutor e : workers) {
            loops.put(e, new Loop());
        }
    }

    /** On the subscriber's own loop; the caller keeps the result to {@link #remove} it. */
    Subscriber add(String channel, Channel ch) {
        Subscriber sub = new Subscriber(ch);
        loops.get(ch.eventLoop()).byChannel.computeIfAbsent(channel, k -> new ArrayList<>()).add(sub);
        return sub;
    }

    /** On the subscriber's own loop. */
    void remove(String channel, Subscriber sub) {
        Map<String, List<Subscriber>> byChannel = loops.get(sub.channel.eventLoop()).byChannel;
        List<Subscriber> list = byChannel.get(channel);
        if (list != null && list.remove(sub) && list.isEmpty()) {
            byChannel.remove(channel);
        }
    }

    /**
     * Writes each frame to every subscriber of its channel and has them flushed by the
     * {@link FlushPolicy}. Takes over one reference of every frame.
     */
    void deliver(List<String> channels, List<ByteBuf> frames) {
        for (Map.Entry<EventExecutor, Loop> e : loops.entrySet()) {
            frames.forEach(ByteBuf::retain);
            Loop loop = e.getValue();
            e.getKey().execute(() -> loop.deliver(channels, frames));
        }
        frames.forEach(ByteBuf::release);
    }

    private final class Loop {
        final Map<String, List<Subscriber>> byChannel = new HashMap<>();
        /** {@link FlushPolicy#REQUEST}: the subscriber lists written to by the task running now; reused, as the loop runs one task at a time. */
        private final Set<List<Subscriber>> touched = Collections.newSetFromMap(new IdentityHashMap<>());

        void deliver(List<String> channels, List<ByteBuf> frames) {
            try {
                for (int i = 0; i < frames.size(); i++) {
                    List<Subscriber> subs = byChannel.get(channels.get(i));
                    if (subs == null) {
                        continue;
                    }
                    ByteBuf frame = frames.get(i);
                    if (flush == FlushPolicy.BATCH) {
                        for (int s = 0; s < subs.size(); s++) {
                            subs.get(s).writeBatched(frame.retainedDuplicate());
                        }
                    } else {
                        for (int s = 0; s < subs.size(); s++) {
                            subs.get(s).write(frame.retainedDuplicate());
                        }
                        touched.add(subs);
                    }
                }
                for (List<Subscriber> subs : touched) {
                    for (int s = 0; s < subs.size(); s++) {
                        subs.get(s).flushNow();
                    }
                }
            } finally {
                touched.clear();
                frames.forEach(ByteBuf::release);
            }
        }
    }
}

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

    Subscribers(EventLoopGroup workers) {
        for (EventExecutor e : workers) {
            loops.put(e, new Loop());
        }
    }

    /** On the subscriber's own loop. */
    void add(String channel, Channel ch) {
        loops.get(ch.eventLoop()).byChannel.computeIfAbsent(channel, k -> new ArrayList<>()).add(ch);
    }

    /** On the subscriber's own loop. */
    void remove(String channel, Channel ch) {
        Map<String, List<Channel>> byChannel = loops.get(ch.eventLoop()).byChannel;
        List<Channel> list = byChannel.get(channel);
        if (list != null && list.remove(ch) && list.isEmpty()) {
            byChannel.remove(channel);
        }
    }

    /**
     * Writes each frame to every subscriber of its channel, then flushes each subscriber once.
     * Takes over one reference of every frame.
     */
    void deliver(List<String> channels, List<ByteBuf> frames) {
        for (Map.Entry<EventExecutor, Loop> e : loops.entrySet()) {
            frames.forEach(ByteBuf::retain);
            Loop loop = e.getValue();
            e.getKey().execute(() -> loop.deliver(channels, frames));
        }
        frames.forEach(ByteBuf::release);
    }

    private static final class Loop {
        final Map<String, List<Channel>> byChannel = new HashMap<>();
        /** The subscriber lists written to by the task running now; reused, as the loop runs one task at a time. */
        private final Set<List<Channel>> touched = Collections.newSetFromMap(new IdentityHashMap<>());

        void deliver(List<String> channels, List<ByteBuf> frames) {
            try {
                for (int i = 0; i < frames.size(); i++) {
                    List<Channel> subs = byChannel.get(channels.get(i));
                    if (subs == null) {
                        continue;
                    }
                    ByteBuf frame = frames.get(i);
                    for (int s = 0; s < subs.size(); s++) {
                        Channel ch = subs.get(s);
                        ch.write(frame.retainedDuplicate(), ch.voidPromise());
                    }
                    touched.add(subs);
                }
                for (List<Channel> subs : touched) {
                    subs.forEach(Channel::flush);
                }
            } finally {
                touched.clear();
                frames.forEach(ByteBuf::release);
            }
        }
    }
}

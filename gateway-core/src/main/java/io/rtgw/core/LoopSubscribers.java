package io.rtgw.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of one channel owned by one event loop. Only that loop touches the set, so it
 * needs no lock; changes made while a delivery is iterating are applied right after it. A
 * publication becomes one task per loop, which delivers in a plain loop: no lock and no
 * per-subscriber allocation on the fan-out path.
 */
final class LoopSubscribers {
    private static final Logger log = LoggerFactory.getLogger(LoopSubscribers.class);

    final ChannelName channel;
    final Executor executor;
    private final LinkedHashSet<SessionHandle> sessions = new LinkedHashSet<>();
    private List<Runnable> deferred;
    private boolean iterating;

    LoopSubscribers(ChannelName channel, Executor executor) {
        this.channel = channel;
        this.executor = executor;
    }

    void add(SessionHandle s) {
        if (iterating) {
            defer(() -> sessions.add(s));
        } else {
            sessions.add(s);
        }
    }

    boolean remove(SessionHandle s) {
        if (iterating) {
            boolean present = sessions.contains(s);
            defer(() -> sessions.remove(s));
            return present;
        }
        return sessions.remove(s);
    }

    void dispatch(Publication publication) {
        executor.execute(() -> forEachSessionNow(s -> s.deliver(publication)));
    }

    void dispatchGap(StreamPosition resumeAfter) {
        executor.execute(() -> forEachSessionNow(s -> s.gap(resumeAfter)));
    }

    private void forEachSessionNow(Consumer<SessionHandle> action) {
        if (sessions.isEmpty()) {
            return;
        }
        iterating = true;
        try {
            for (SessionHandle s : sessions) {
                try {
                    action.accept(s);
                } catch (RuntimeException e) {
                    log.error("delivery to a session of {} failed", channel, e);
                }
            }
        } finally {
            iterating = false;
            applyDeferred();
        }
    }

    private void defer(Runnable change) {
        if (deferred == null) {
            deferred = new ArrayList<>(2);
        }
        deferred.add(change);
    }

    private void applyDeferred() {
        if (deferred != null) {
            List<Runnable> changes = deferred;
            deferred = null;
            changes.forEach(Runnable::run);
        }
    }
}

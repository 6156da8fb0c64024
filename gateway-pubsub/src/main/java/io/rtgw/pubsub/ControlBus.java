package io.rtgw.pubsub;

import io.lettuce.core.resource.ClientResources;
import io.rtgw.core.Publication;
import io.rtgw.core.broker.BrokerListener;
import io.rtgw.core.control.ControlCommand;
import io.rtgw.core.control.ControlListener;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the server API's commands to every node and their answers back (docs/protocol.md §7).
 * A command is published on the control channel, which every node (the sender too) subscribes to;
 * each node applies it and publishes its count on the sender's own reply channel, so a broadcast
 * costs one message per node each way instead of every node hearing every answer.
 *
 * <p>How many answers to wait for is what PUBLISH (SPUBLISH on Cluster) returns: the number of
 * connections that received the command, exactly the nodes listening at that moment. A node that
 * has not reported yet is still waited for, a dead one still in the reports is not.
 *
 * <p>The link is a {@link LinkSupervisor} of its own: rebuilt after any loss, probed so that a
 * silent one is found. After every rebuild the node is told {@link ControlListener#onRejoined()},
 * because commands published while it was away are gone for it.
 */
final class ControlBus implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlBus.class);
    /** Messages waiting to be applied; a node that falls this far behind re-reads its revocations. */
    static final int INBOX_CAPACITY = 10_000;

    private final ControlKeys keys;
    private final Map<String, Boolean> subscribed = new ConcurrentHashMap<>();
    private final LinkSupervisor supervisor;
    private final ThreadPoolExecutor inbox;
    private final ScheduledExecutorService timer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicBoolean everUp = new AtomicBoolean();
    /** A message was dropped at a full inbox: the node re-reads what it keeps once it caught up. */
    private final AtomicBoolean missed = new AtomicBoolean();
    private final QuietLog badMessages = new QuietLog(log, 10, TimeUnit.SECONDS);
    private volatile String nodeId;
    private volatile String replyChannel;
    private volatile ControlListener listener;
    private volatile boolean closed;

    ControlBus(RedisBrokerConfig config, ControlKeys keys, RedisEndpoint endpoint, ClientResources resources) {
        this.keys = keys;
        String linkId = "c" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        this.supervisor = new LinkSupervisor("control plane", config, events -> endpoint.cluster()
                ? new ClusterTopology(endpoint.uris(), resources, resources, config.commandTimeout(), config.topologyRefresh(), events)
                : new StandaloneTopology(endpoint.uris().get(0), resources, resources, config.commandTimeout(), events),
                null, keys.probeBase(linkId), subscribed, this::onMessage);
        this.inbox = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(INBOX_CAPACITY),
                r -> daemon(r, "rtgw-control-inbox"));
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "rtgw-control-timer"));
        deadlines.setRemoveOnCancelPolicy(true); // answered broadcasts leave nothing queued behind
        this.timer = deadlines;
    }

    /** The connection commands and reads go through; connected once {@link #start} completed. */
    RedisTopology topology() {
        return supervisor.topology();
    }

    /** Completes once the node listens on the control channel and its reply channel. */
    CompletableFuture<Void> start(String nodeId, ControlListener listener) {
        this.nodeId = ControlKeys.checkNodeId(nodeId);
        this.listener = listener;
        this.replyChannel = keys.replyChannel(nodeId);
        subscribed.put(keys.controlChannel(), Boolean.TRUE);
        subscribed.put(replyChannel, Boolean.TRUE);
        return supervisor.start(new LinkEvents());
    }

    boolean isUp() {
        return supervisor.isUp();
    }

    CompletableFuture<Integer> broadcast(ControlCommand command, Duration timeout) {
        String origin = nodeId;
        if (origin == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("control plane not started"));
        }
        String id = origin + "." + requests.incrementAndGet();
        String payload = ControlMessages.command(id, origin, command);
        Pending request = new Pending();
        pending.put(id, request);
        ScheduledFuture<?> deadline = timer.schedule(request::finish, timeout.toMillis(), TimeUnit.MILLISECONDS);
        request.result.whenComplete((n, e) -> {
            pending.remove(id);
            deadline.cancel(false);
        });
        CompletableFuture<Long> published;
        try {
            published = topology().publish(keys.controlChannel(), payload);
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e); // not connected
        }
        published.whenComplete((receivers, error) -> {
            if (error != null) {
                request.result.completeExceptionally(error); // no node heard it, this one neither
            } else {
                request.expect(receivers);
            }
        });
        return request.result;
    }

    /** On Lettuce's event loop: hands off, never decodes or applies here. */
    private void onMessage(String channel, byte[] payload) {
        try {
            inbox.execute(() -> handle(channel, payload));
        } catch (RejectedExecutionException full) {
            if (!closed) {
                missed.set(true);
                badMessages.warn("control plane inbox full ({} messages); dropped one, the node will re-read revocations",
                        INBOX_CAPACITY);
            }
        }
    }

    /** On the inbox thread, one message at a time. */
    private void handle(String channel, byte[] payload) {
        try {
            ControlMessages.Message message;
            try {
                message = ControlMessages.decode(payload);
            } catch (RuntimeException e) {
                badMessages.warn("ignored a control message on {} that is not one: {}", channel,
                        ControlMessages.abbreviated(String.valueOf(e.getMessage())));
                return;
            }
            if (message instanceof ControlMessages.Reply reply) {
                Pending request = channel.equals(replyChannel) ? pending.get(reply.id()) : null;
                if (request != null) {
                    request.answer(reply.node(), reply.count());
                }
            } else if (message instanceof ControlMessages.Command command && channel.equals(keys.controlChannel())) {
                apply(command);
            }
        } finally {
            if (missed.get() && inbox.getQueue().isEmpty() && missed.getAndSet(false)) {
                rejoined();
            }
        }
    }

    private void apply(ControlMessages.Command command) {
        ControlListener l = listener;
        if (l == null) {
            return;
        }
        CompletableFuture<Integer> applied;
        try {
            applied = l.apply(command.command());
        } catch (RuntimeException e) {
            applied = CompletableFuture.failedFuture(e);
        }
        applied.whenComplete((count, error) -> {
            if (error != null) {
                log.warn("applying control command {} failed: {}", command.command(), error.toString());
            }
            answer(command, error == null && count != null ? count : 0);
        });
    }

    private void answer(ControlMessages.Command command, int count) {
        String self = nodeId;
        try {
            topology().publish(keys.replyChannel(command.origin()), ControlMessages.reply(command.id(), self, count))
                    .whenComplete((n, error) -> {
                        if (error != null) {
                            log.debug("answering control command {} failed", command.id(), error);
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("answering control command {} failed", command.id(), e);
        }
    }

    private void rejoined() {
        ControlListener l = listener;
        if (l != null && !closed) {
            try {
                l.onRejoined();
            } catch (RuntimeException e) {
                log.warn("re-joining the control plane failed", e);
            }
        }
    }

    /** The supervisor's reports: every "up" but the first follows a loss of the link. */
    private final class LinkEvents implements BrokerListener {
        @Override
        public void onPublication(Publication publication) {
            // the control link carries no app publications
        }

        @Override
        public void onBrokerUp() {
            if (!everUp.compareAndSet(false, true)) {
                log.info("control plane link back; re-reading revocations");
                try {
                    inbox.execute(ControlBus.this::rejoined);
                } catch (RejectedExecutionException full) {
                    missed.set(true);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener = null;
        supervisor.close();
        inbox.shutdownNow();
        timer.shutdownNow();
        pending.values().forEach(Pending::finish);
    }

    /** One broadcast waiting for its answers. */
    private static final class Pending {
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        private final Set<String> answered = new HashSet<>();
        private int sum;
        private long expected = -1;

        void answer(String node, int count) {
            boolean complete;
            int total;
            synchronized (this) {
                if (answered.add(node)) {
                    sum += count;
                }
                total = sum;
                complete = expected >= 0 && answered.size() >= expected;
            }
            if (complete) {
                result.complete(total); // outside the lock: the caller's stages run here
            }
        }

        void expect(long receivers) {
            boolean complete;
            int total;
            synchronized (this) {
                expected = receivers;
                total = sum;
                complete = answered.size() >= expected;
            }
            if (complete) {
                result.complete(total);
            }
        }

        void finish() {
            int total;
            synchronized (this) {
                total = sum;
            }
            result.complete(total);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

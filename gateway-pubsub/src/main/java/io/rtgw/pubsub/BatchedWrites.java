package io.rtgw.pubsub;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writes of presence and connection events (docs/protocol.md §9, §10), sent in batches from one
 * thread of their own on a connection of their own with Lettuce's auto-flush off.
 *
 * <p>Why: a command issued on an event loop costs that loop a cross-thread task and a socket
 * flush on Lettuce's side for every command, and Redis one read per command; a connect with
 * presence and events on issues about seven (docs/performance.md, "Presence and connection
 * events: what they cost"). Here the caller only offers the write to a bounded queue; the thread
 * drains what has gathered, issues it and flushes once, so a burst of connects costs one write
 * and one wake-up per batch.
 *
 * <p>Writes reach Redis in the order they were submitted (one queue, one thread, one connection),
 * which the presence store and the fleet state rely on. A write that does not fit the queue, or
 * finds no connection, fails at once: their callers already repair failed writes at their next
 * renewal.
 */
final class BatchedWrites implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchedWrites.class);
    /** Commands per flush at most: bounds one write's size and the latency of the batch's first command. */
    static final int MAX_BATCH = 512;
    /** How long a write may wait for others to join its batch; presence and events are not latency-critical. */
    static final long LINGER_MICROS = 1_000;

    /** Opens the batch connection (blocking is fine: it runs on the writer thread). */
    @FunctionalInterface
    interface Connector {
        RedisTopology.BatchConnection connect() throws Exception;
    }

    private record Write<T>(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command,
                            CompletableFuture<T> result) {
        void issue(RedisClusterAsyncCommands<String, String> redis) {
            try {
                command.apply(redis).whenComplete((value, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private final ArrayBlockingQueue<Write<?>> queue;
    private final Connector connector;
    private final Duration reconnectPause;
    private final QuietLog quietLog = new QuietLog(log, 1, TimeUnit.MINUTES);
    private final Thread thread;
    private volatile boolean closed;
    /** Only touched by the writer thread. */
    private RedisTopology.BatchConnection connection;
    private long nextConnectNanos;

    BatchedWrites(String name, int capacity, Connector connector, Duration reconnectPause) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.connector = Objects.requireNonNull(connector, "connector");
        this.reconnectPause = Objects.requireNonNull(reconnectPause, "reconnectPause");
        this.thread = new Thread(this::run, "rtgw-redis-writes-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a write; never blocks. The function runs later on the writer thread and must only
     * issue commands (not wait for them).
     */
    <T> CompletableFuture<T> submit(Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new RejectedExecutionException("closed"));
        } else if (!queue.offer(new Write<>(command, result))) {
            result.completeExceptionally(new RejectedExecutionException(
                    "Redis write queue full (" + queue.remainingCapacity() + " free)"));
        }
        return result;
    }

    /** Writes waiting (tests). */
    int queued() {
        return queue.size();
    }

    private void run() {
        List<Write<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Write<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                if (!closed && queue.size() < MAX_BATCH - 1) {
                    // a moment for a burst to gather: on a busy node this thread would otherwise wake
                    // (a context switch on the event loops' cores) for nearly every write
                    TimeUnit.MICROSECONDS.sleep(LINGER_MICROS);
                }
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
        List<Write<?>> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new RejectedExecutionException("closed"));
        RedisTopology.BatchConnection c = connection;
        if (c != null) {
            awaitReplies(c);
            c.connection().closeAsync();
        }
    }

    /** Replies come in order: once a last PING is answered, every write sent before it has its answer. */
    private static void awaitReplies(RedisTopology.BatchConnection c) {
        try {
            LoopGuard.refuseOnEventLoop("waiting for the last writes' answers");
            CompletableFuture<String> ping = c.commands().ping().toCompletableFuture();
            c.connection().flushCommands();
            ping.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("the last writes' answers did not all come before closing", e);
        }
    }

    private void send(List<Write<?>> batch) {
        RedisTopology.BatchConnection c = connected();
        if (c == null) {
            fail(batch, new IllegalStateException("no Redis connection for writes"));
            return;
        }
        for (Write<?> w : batch) {
            w.issue(c.commands());
        }
        c.connection().flushCommands();
    }

    private RedisTopology.BatchConnection connected() {
        if (connection != null && connection.connection().isOpen()) {
            return connection;
        }
        if (connection != null) {
            // Lettuce reconnects it by itself; writes meanwhile fail fast (and are repaired later)
            return null;
        }
        long now = System.nanoTime();
        if (now < nextConnectNanos) {
            return null;
        }
        try {
            connection = connector.connect();
            connection.connection().setAutoFlushCommands(false);
            return connection;
        } catch (Exception e) {
            nextConnectNanos = now + reconnectPause.toNanos();
            quietLog.warn("opening the Redis connection for presence and event writes failed: {}", e.toString());
            return null;
        }
    }

    private static void fail(List<Write<?>> writes, Throwable error) {
        for (Write<?> w : writes) {
            w.result().completeExceptionally(error);
        }
    }

    /** Sends what is queued and waits for its answers (about a second at most), then closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}

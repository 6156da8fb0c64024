package io.rtgw.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a quiet pub/sub link from a dead one. A link that stops delivering without closing (a
 * half-open TCP connection, a hung proxy, a failover that dropped the subscriptions) raises no
 * event at all; the only way to know is to send something through Redis and wait for it. The
 * node publishes a sequence number to its own probe channels and expects each back in time.
 *
 * <p>Whether the probe's PUBLISH got its reply also tells which side is silent: no reply means
 * the command connection hangs too.
 */
final class LinkProbe {
    private static final Logger log = LoggerFactory.getLogger(LinkProbe.class);

    enum Verdict { HEALTHY, LINK_SILENT, COMMANDS_SILENT }

    private final Duration timeout;
    private final Executor sender;
    private volatile Map<String, Long> acks = Map.of();
    private volatile long published;

    // the checking thread only
    private long seq;
    private long sentAtNanos;
    private Map<String, Long> probed;

    /**
     * @param sender where PUBLISHes are issued: not the checking thread, because Lettuce may open
     *               a Cluster node connection synchronously inside a write, and a hung node must
     *               not keep the check from timing it out
     */
    LinkProbe(Duration timeout, Executor sender) {
        this.timeout = timeout;
        this.sender = sender;
    }

    /** A new link is about to subscribe these channels; earlier probes no longer count. */
    void reset(List<String> channels) {
        Map<String, Long> fresh = new ConcurrentHashMap<>();
        for (String channel : channels) {
            fresh.put(channel, -1L);
        }
        acks = fresh;
    }

    int channelCount() {
        return acks.size();
    }

    /** On the event loop: records a probe coming back. @return false if it is not a probe channel */
    boolean accept(String channel, byte[] payload) {
        Map<String, Long> current = acks;
        if (!current.containsKey(channel)) {
            return false;
        }
        try {
            current.put(channel, Long.parseLong(new String(payload, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            // not ours; a probe channel is private, so just ignore it
        }
        return true;
    }

    /** Periodic: judges the outstanding probe, or sends the next one. */
    Verdict check(long nowNanos, BiFunction<String, String, CompletableFuture<Long>> publish) {
        Map<String, Long> current = acks;
        if (probed == current && !current.values().stream().allMatch(s -> s >= seq)) {
            if (nowNanos - sentAtNanos <= timeout.toNanos()) {
                return Verdict.HEALTHY; // still in time
            }
            probed = null;
            return published < seq ? Verdict.COMMANDS_SILENT : Verdict.LINK_SILENT;
        }
        seq++;
        sentAtNanos = nowNanos;
        probed = current;
        long sent = seq;
        AtomicInteger replies = new AtomicInteger(current.size());
        for (String channel : current.keySet()) {
            try {
                sender.execute(() -> {
                    try {
                        publish.apply(channel, Long.toString(sent)).thenRun(() -> {
                            if (replies.decrementAndGet() == 0) {
                                published = sent;
                            }
                        });
                    } catch (RuntimeException e) {
                        log.debug("probe publish failed", e);
                    }
                });
            } catch (RejectedExecutionException closing) {
                break;
            }
        }
        return Verdict.HEALTHY;
    }
}

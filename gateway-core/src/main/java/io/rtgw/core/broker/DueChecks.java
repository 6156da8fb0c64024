package io.rtgw.core.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Items waiting for a check at a time, bucketed by {@code resolutionMillis}. The sweeper takes
 * what is due a bounded batch at a time, so expiry costs work in proportion to what actually
 * expires, never a scan over every channel.
 */
final class DueChecks<T> {
    private final long resolutionMillis;
    private final TreeMap<Long, ArrayDeque<Due<T>>> buckets = new TreeMap<>();

    DueChecks(long resolutionMillis) {
        this.resolutionMillis = resolutionMillis;
    }

    synchronized void add(T item, long dueMillis) {
        long bucket = Math.floorDiv(dueMillis + resolutionMillis - 1, resolutionMillis);
        buckets.computeIfAbsent(bucket, b -> new ArrayDeque<>()).addLast(new Due<>(item, dueMillis));
    }

    /** At most {@code max} items due at {@code nowMillis}, oldest buckets first. */
    synchronized List<Due<T>> takeDue(long nowMillis, int max) {
        List<Due<T>> out = new ArrayList<>(Math.min(max, 1024));
        while (out.size() < max && !buckets.isEmpty()) {
            Map.Entry<Long, ArrayDeque<Due<T>>> first = buckets.firstEntry();
            if (first.getKey() * resolutionMillis > nowMillis) {
                break;
            }
            ArrayDeque<Due<T>> queue = first.getValue();
            while (out.size() < max && !queue.isEmpty()) {
                out.add(queue.pollFirst());
            }
            if (queue.isEmpty()) {
                buckets.remove(first.getKey());
            }
        }
        return out;
    }

    synchronized int size() {
        int n = 0;
        for (ArrayDeque<Due<T>> q : buckets.values()) {
            n += q.size();
        }
        return n;
    }

    record Due<T>(T item, long dueMillis) {
    }
}

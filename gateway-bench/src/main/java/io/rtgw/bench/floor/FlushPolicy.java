package io.rtgw.bench.floor;

import java.util.Locale;

/** When the floor flushes its subscribers ({@code --floor-flush}). */
public enum FlushPolicy {
    /**
     * The gateway's own policy, through its {@link io.rtgw.transport.BatchFlushed}: one pass per
     * event-loop round for every subscriber written since the last, paced after long passes, so a
     * saturated loop sends several publications per subscriber in one system call. What any
     * well-built Netty server does at saturation, so the floor to measure against (the default).
     */
    BATCH,
    /**
     * Every subscriber written by a publish request is flushed at the end of that request's
     * task: one system call per subscriber per request whatever the load (the floor before
     * round 3 of issue 17).
     */
    REQUEST;

    public static FlushPolicy parse(String text) {
        return switch (text) {
            case "batch" -> BATCH;
            case "request" -> REQUEST;
            default -> throw new IllegalArgumentException("flush policy: batch or request, got '" + text + "'");
        };
    }

    /** As {@link #parse} takes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

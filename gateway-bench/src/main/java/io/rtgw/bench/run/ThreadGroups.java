package io.rtgw.bench.run;

import java.util.List;

/**
 * Which part of a JVM server a thread belongs to, by its name as the kernel keeps it (at most 15
 * characters: {@code rtgw-redis-lane-3} reads {@code rtgw-redis-lane}, {@code C2 CompilerThread0}
 * {@code C2 CompilerThre}). The first matching prefix wins, so the specific ones come first.
 * With {@code RTGW_REDIS_IO=shared} (the default) the Redis connections and the lanes run on
 * {@code rtgw-io} threads: {@link #LANES} has no thread then, and {@link #LETTUCE} only Lettuce's
 * timer and computation threads; a group without threads is left out of the rows.
 */
final class ThreadGroups {
    static final String IO = "rtgw-io";
    static final String ADMIN = "rtgw-admin";
    static final String ACCEPT = "rtgw-accept";
    static final String LETTUCE = "lettuce";
    static final String LANES = "redis-lanes";
    static final String OTHER_RTGW = "rtgw-other";
    static final String JIT = "JIT";
    static final String GC = "GC";
    static final String OTHER_JVM = "other JVM";
    /** Every thread of the bench's redis-server processes. */
    static final String REDIS = "Redis";
    /** Every process of Nchan's nginx (its one worker does the work). */
    static final String NGINX = "nginx";

    private record Prefix(String prefix, String group) {
    }

    private static final List<Prefix> PREFIXES = List.of(
            new Prefix("rtgw-io-", IO), new Prefix("rtgw-admin-", ADMIN), new Prefix("rtgw-accept-", ACCEPT),
            new Prefix("lettuce-", LETTUCE), new Prefix("rtgw-redis-lane", LANES), new Prefix("rtgw-", OTHER_RTGW),
            new Prefix("C1 CompilerThre", JIT), new Prefix("C2 CompilerThre", JIT),
            new Prefix("GC Thread", GC), new Prefix("G1 ", GC), new Prefix("VM Thread", GC));

    private ThreadGroups() {
    }

    static String ofJvmThread(String name) {
        for (Prefix p : PREFIXES) {
            if (name.startsWith(p.prefix())) {
                return p.group();
            }
        }
        return OTHER_JVM;
    }
}

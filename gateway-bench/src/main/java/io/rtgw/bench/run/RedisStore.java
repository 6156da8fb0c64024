package io.rtgw.bench.run;

import java.util.List;

/** The bench's Redis for a run (one redis-server, or a Cluster of several), on the server's cores. */
interface RedisStore extends AutoCloseable {
    /** What the gateway gets as {@code RTGW_REDIS_URL}. */
    String url();

    /** One node's host:port (Nchan's upstream). */
    String hostPort();

    /** Every redis-server process: their CPU counts as the server's. */
    List<Long> pids();

    /** redis-server processes (masters). */
    int nodes();

    /** INFO of every node, summed (a Cluster's cost is that of all its masters). */
    RedisInfo info() throws Exception;

    @Override
    void close();
}

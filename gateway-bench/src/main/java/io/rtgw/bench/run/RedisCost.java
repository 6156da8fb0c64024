package io.rtgw.bench.run;

import java.nio.file.Files;
import java.util.List;

/**
 * The Redis work a stretch of a run caused: the redis-server's own CPU (INFO cpu) and commands
 * (INFO stats), in total and per connection, and which commands they were (INFO commandstats,
 * written next to the logs); for a publishing step, per publication and per delivery. With a
 * Cluster, the sum over its masters. Nothing with the embedded broker.
 */
final class RedisCost {
    private final RunContext r;
    private final RedisInfo before;

    private RedisCost(RunContext r, RedisInfo before) {
        this.r = r;
        this.before = before;
    }

    static RedisCost start(RunContext r) throws Exception {
        return new RedisCost(r, r.redis == null ? null : r.redis.info());
    }

    /**
     * Reads Redis again and adds its rows for a publishing step: CPU and commands per publication
     * (what grows with the nodes subscribed), CPU per million deliveries (beside the server's).
     */
    void addPublishRows(List<Row> rows, String key, String at, long publications, long deliveries, double clientCores)
            throws Exception {
        if (before == null) {
            return;
        }
        RedisInfo after = r.redis.info();
        double cpu = after.cpuSeconds() - before.cpuSeconds();
        long commands = commandsSince(after);
        // None acknowledged (the server refused or fell behind): no per-publication figure rather than a huge one.
        double pubs = publications == 0 ? Double.NaN : publications;
        rows.add(Row.of(key + "redisCpuPerPub", at + "Redis CPU per publication", cpu * 1e6 / pubs, "µs", false, clientCores));
        rows.add(Row.of(key + "redisCommandsPerPub", at + "Redis commands per publication", commands / pubs, "", false,
                clientCores));
        rows.add(Row.of(key + "redisCpuPerM", at + "Redis CPU s / 1M deliveries",
                deliveries == 0 ? Double.NaN : cpu / (deliveries / 1e6), "s", false, clientCores));
        writeCalls(key, after);
    }

    /** Reads Redis again and adds its rows for {@code connections} connections (or clients that came back). */
    void addRows(List<Row> rows, String key, String suffix, long connections, double clientCores) throws Exception {
        if (before == null) {
            return;
        }
        RedisInfo after = r.redis.info();
        long per = Math.max(connections, 1);
        long commands = commandsSince(after);
        double cpu = after.cpuSeconds() - before.cpuSeconds();
        rows.add(Row.of(key + "redisCpu", "Redis CPU" + suffix, cpu, "s", false, clientCores));
        rows.add(Row.of(key + "redisCpuPerConn", "Redis CPU per connection" + suffix, cpu * 1e6 / per, "µs", false, clientCores));
        rows.add(Row.of(key + "redisCommandsPerConn", "Redis commands per connection" + suffix, (double) commands / per, "",
                false, clientCores));
        writeCalls(key, after);
    }

    /** Commands since the first reading, less that reading's own INFO (one per node). */
    private long commandsSince(RedisInfo after) {
        return after.commands() - before.commands() - r.redis.nodes();
    }

    /** Which commands the stretch ran, next to the logs: what a per-connection or per-publication figure is made of. */
    private void writeCalls(String key, RedisInfo after) throws java.io.IOException {
        Files.writeString(r.dir.resolve("redis-commands-" + key.replaceAll("\\.$", "") + ".txt"), after.callsSince(before));
    }
}

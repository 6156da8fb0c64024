package io.rtgw.bench.run;

import java.nio.file.Files;
import java.util.List;

/**
 * The Redis work a stretch of a run caused: the redis-server's own CPU (INFO cpu) and commands
 * (INFO stats), in total and per connection, and which commands they were (INFO commandstats,
 * written next to the logs). Nothing with the embedded broker.
 */
final class RedisCost {
    private final RunContext r;
    private final RedisInfo before;

    private RedisCost(RunContext r, RedisInfo before) {
        this.r = r;
        this.before = before;
    }

    static RedisCost start(RunContext r) throws Exception {
        return new RedisCost(r, r.redis == null ? null : RedisInfo.read(r.redis.port));
    }

    /** Reads Redis again and adds its rows for {@code connections} connections (or clients that came back). */
    void addRows(List<Row> rows, String key, String suffix, long connections, double clientCores) throws Exception {
        if (before == null) {
            return;
        }
        RedisInfo after = RedisInfo.read(r.redis.port);
        long per = Math.max(connections, 1);
        long commands = after.commands() - before.commands() - 1; // our own INFO of the first reading
        double cpu = after.cpuSeconds() - before.cpuSeconds();
        rows.add(Row.of(key + "redisCpu", "Redis CPU" + suffix, cpu, "s", false, clientCores));
        rows.add(Row.of(key + "redisCpuPerConn", "Redis CPU per connection" + suffix, cpu * 1e6 / per, "µs", false, clientCores));
        rows.add(Row.of(key + "redisCommandsPerConn", "Redis commands per connection" + suffix, (double) commands / per, "",
                false, clientCores));
        Files.writeString(r.dir.resolve("redis-commands-" + key.replaceAll("\\.$", "") + ".txt"), after.callsSince(before));
    }
}

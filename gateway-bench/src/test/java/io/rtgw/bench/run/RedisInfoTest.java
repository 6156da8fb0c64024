package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisInfoTest {
    private static final String BEFORE = """
            # CPU\r
            used_cpu_sys:1.500000\r
            used_cpu_user:2.250000\r
            used_cpu_sys_children:9.000000\r
            # Stats\r
            total_commands_processed:100\r
            # Commandstats\r
            cmdstat_xadd:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r
            cmdstat_evalsha:calls=4,usec=40,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
            """;
    private static final String AFTER = """
            used_cpu_sys:2.000000\r
            used_cpu_user:3.000000\r
            total_commands_processed:160\r
            cmdstat_xadd:calls=20,usec=90,usec_per_call=4.50,rejected_calls=0,failed_calls=0\r
            cmdstat_evalsha:calls=4,usec=40,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
            cmdstat_hset:calls=50,usec=50,usec_per_call=1.00,rejected_calls=0,failed_calls=0\r
            """;

    @Test
    void cpuIsSysPlusUserOfTheServerItselfNotItsChildren() {
        RedisInfo i = RedisInfo.parse(BEFORE);
        assertThat(i.cpuSeconds()).isEqualTo(3.75);
        assertThat(i.commands()).isEqualTo(100);
        assertThat(i.callsByCommand()).containsEntry("xadd", 10L).containsEntry("evalsha", 4L);
    }

    @Test
    void callsSinceListTheCommandsThatRanBusiestFirst() {
        String since = RedisInfo.parse(AFTER).callsSince(RedisInfo.parse(BEFORE));
        assertThat(since).isEqualTo("hset=50\nxadd=10\n");
    }

    @Test
    void aClustersFiguresAreTheSumOverItsMasters() {
        RedisInfo sum = RedisInfo.EMPTY.plus(RedisInfo.parse(BEFORE)).plus(RedisInfo.parse(AFTER));
        assertThat(sum.cpuSeconds()).isEqualTo(8.75);
        assertThat(sum.commands()).isEqualTo(260);
        assertThat(sum.callsByCommand()).containsEntry("xadd", 30L).containsEntry("evalsha", 8L).containsEntry("hset", 50L);
    }
}

package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisCostTest {
    @Test
    void aPublishingStepIsChargedRedisCpuPerPublicationAndPerMillionDeliveries(@TempDir Path dir) throws Exception {
        // two masters, each read once before and once after: 0.03 s of CPU and 302 commands in all
        Readings redis = new Readings(2, new RedisInfo(1.00, 1000, Map.of()), new RedisInfo(1.03, 1302, Map.of()));
        RunContext r = new RunContext(null, null, null, 100, 1, 1, "", redis, dir, false);
        RedisCost cost = RedisCost.start(r);
        List<Row> rows = new ArrayList<>();
        cost.addPublishRows(rows, "step0.", "@100/s: ", 300, 30_000, 0.2);
        assertThat(rows).extracting(Row::key).containsExactly("step0.redisCpuPerPub", "step0.redisCommandsPerPub", "step0.redisCpuPerM");
        assertThat(rows.get(0).value()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(rows.get(1).value()).isEqualTo(1.0); // less the two INFO commands of the first reading
        assertThat(rows.get(2).value()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rows.get(0).label()).isEqualTo("@100/s: Redis CPU per publication");
    }

    @Test
    void aStepWithNothingAcknowledgedHasNoFigurePerPublication(@TempDir Path dir) throws Exception {
        Readings redis = new Readings(1, new RedisInfo(1.00, 1000, Map.of()), new RedisInfo(1.50, 9000, Map.of()));
        RunContext r = new RunContext(null, null, null, 100, 1, 1, "", redis, dir, false);
        List<Row> rows = new ArrayList<>();
        RedisCost.start(r).addPublishRows(rows, "step0.", "@100/s: ", 0, 0, 0.2);
        assertThat(rows).extracting(Row::value).allMatch(v -> Double.isNaN(v));
    }

    @Test
    void withoutRedisThereAreNoRedisRows(@TempDir Path dir) throws Exception {
        RunContext r = new RunContext(null, null, null, 100, 1, 1, "", null, dir, false);
        List<Row> rows = new ArrayList<>();
        RedisCost.start(r).addPublishRows(rows, "step0.", "@100/s: ", 300, 30_000, 0.2);
        assertThat(rows).isEmpty();
    }

    /** A store that answers INFO with the given readings in turn (summed over its masters already). */
    private static final class Readings implements RedisStore {
        private final int nodes;
        private final Deque<RedisInfo> infos;

        Readings(int nodes, RedisInfo... infos) {
            this.nodes = nodes;
            this.infos = new ArrayDeque<>(List.of(infos));
        }

        @Override
        public String url() {
            return "redis://unused";
        }

        @Override
        public String hostPort() {
            return "unused";
        }

        @Override
        public List<Long> pids() {
            return List.of();
        }

        @Override
        public int nodes() {
            return nodes;
        }

        @Override
        public RedisInfo info() {
            return infos.pop();
        }

        @Override
        public void close() {
        }
    }
}

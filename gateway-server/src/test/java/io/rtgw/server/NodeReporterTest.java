package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.control.TenantLoad;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeReporterTest {
    private static TenantLoad load(Map<String, Integer> channels, Map<String, Integer> users) {
        return new TenantLoad("n1", channels, users);
    }

    @Test
    void onlyChangedTenantsAreSentAndAGoneTenantIsSentEmpty() {
        Map<String, TenantLoad> last = Map.of(
                "same", load(Map.of("room:a", 1), Map.of("u", 1)),
                "grew", load(Map.of("room:a", 1), Map.of("u", 1)),
                "gone", load(Map.of("room:a", 1), Map.of("u", 1)));
        Map<String, TenantLoad> now = Map.of(
                "same", load(Map.of("room:a", 1), Map.of("u", 1)),
                "grew", load(Map.of("room:a", 2), Map.of("u", 2)),
                "new", load(Map.of(), Map.of("v", 1)));
        Map<String, TenantLoad> sent = NodeReporter.changes("n1", last, now, false);
        assertThat(sent).containsOnlyKeys("grew", "new", "gone");
        assertThat(sent.get("gone").isEmpty()).isTrue();
        assertThat(NodeReporter.changes("n1", last, now, true)).containsOnlyKeys("same", "grew", "new", "gone");
        assertThat(NodeReporter.changes("n1", now, now, false)).isEmpty();
    }
}

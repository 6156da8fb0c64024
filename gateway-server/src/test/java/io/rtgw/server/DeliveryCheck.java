package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.StreamPosition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docs/protocol.md §5 as one assertion over what a client saw of a channel: no message twice, in
 * publish order, and every acknowledged publication either delivered or covered by a gap notice
 * placed where it would have been.
 */
final class DeliveryCheck {
    private DeliveryCheck() {
    }

    /** @return how many acknowledged ids the client did not get (each covered by a gap) */
    static int assertEveryAckedOnceInOrderOrGap(WatchedClient client, List<String> acked) {
        List<WatchedClient.Seen> seen = client.seen();
        String who = client.name() + " saw " + seen;
        Map<String, Integer> at = new HashMap<>();
        Set<String> ackedSet = new HashSet<>(acked);
        WatchedClient.Seen previous = null;
        for (int i = 0; i < seen.size(); i++) {
            WatchedClient.Seen s = seen.get(i);
            if (s.gap()) {
                previous = null;
                continue;
            }
            assertThat(at.put(s.id(), i)).as("%s: %s delivered twice", who, s.id()).isNull();
            StreamPosition pos = StreamPosition.parse(s.id());
            assertThat(pos).as("%s: '%s' is an id", who, s.id()).isNotNull();
            if (previous != null) {
                StreamPosition before = StreamPosition.parse(previous.id());
                if (before.sameEpoch(pos)) {
                    assertThat(pos.offset()).as("%s: %s after %s", who, s.id(), previous.id())
                            .isGreaterThan(before.offset());
                }
            }
            previous = s;
        }
        int lastIndex = -1;
        for (String id : acked) {
            Integer i = at.get(id);
            if (i != null) {
                assertThat(i).as("%s: acknowledged %s out of publish order", who, id).isGreaterThan(lastIndex);
                lastIndex = i;
            }
        }
        int missing = 0;
        for (int k = 0; k < acked.size(); k++) {
            if (at.containsKey(acked.get(k))) {
                continue;
            }
            missing++;
            int before = -1;
            for (int j = k - 1; j >= 0 && before < 0; j--) {
                before = at.getOrDefault(acked.get(j), -1);
            }
            int after = seen.size();
            for (int j = k + 1; j < acked.size() && after == seen.size(); j++) {
                after = at.getOrDefault(acked.get(j), seen.size());
            }
            boolean covered = seen.subList(before + 1, after).stream().anyMatch(WatchedClient.Seen::gap);
            assertThat(covered).as("%s: acknowledged %s neither delivered nor covered by a gap", who, acked.get(k))
                    .isTrue();
        }
        // every attempt carries an idempotency key and is retried until acknowledged, so nothing
        // reaches a client that the app was not eventually told about
        assertThat(at.keySet()).as("%s: delivered but never acknowledged", who).isSubsetOf(ackedSet);
        return missing;
    }
}

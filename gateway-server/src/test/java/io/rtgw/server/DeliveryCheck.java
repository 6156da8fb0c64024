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
 * placed where it would have been. Publications are told apart by their data (each is unique),
 * not only by id: the check must hold even if a fault made two publications share an id.
 */
final class DeliveryCheck {
    private DeliveryCheck() {
    }

    /** @return how many acknowledged publications the client did not get (each covered by a gap) */
    static int assertEveryAckedOnceInOrderOrGap(WatchedClient client, List<AckedPublisher.Acked> acked) {
        List<WatchedClient.Seen> seen = client.seen();
        String who = client.name() + " saw " + seen;
        Map<String, Integer> at = new HashMap<>();
        Set<String> ids = new HashSet<>();
        WatchedClient.Seen previous = null;
        for (int i = 0; i < seen.size(); i++) {
            WatchedClient.Seen s = seen.get(i);
            if (s.gap()) {
                previous = null;
                continue;
            }
            assertThat(at.put(s.data(), i)).as("%s: %s delivered twice", who, s).isNull();
            assertThat(ids.add(s.id())).as("%s: id %s delivered twice", who, s.id()).isTrue();
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
        Set<String> ackedData = new HashSet<>();
        int lastIndex = -1;
        for (AckedPublisher.Acked a : acked) {
            ackedData.add(a.data());
            Integer i = at.get(a.data());
            if (i != null) {
                assertThat(i).as("%s: acknowledged %s out of publish order", who, a).isGreaterThan(lastIndex);
                lastIndex = i;
            }
        }
        int missing = 0;
        for (int k = 0; k < acked.size(); k++) {
            if (at.containsKey(acked.get(k).data())) {
                continue;
            }
            missing++;
            int before = -1;
            for (int j = k - 1; j >= 0 && before < 0; j--) {
                before = at.getOrDefault(acked.get(j).data(), -1);
            }
            int after = seen.size();
            for (int j = k + 1; j < acked.size() && after == seen.size(); j++) {
                after = at.getOrDefault(acked.get(j).data(), seen.size());
            }
            boolean covered = seen.subList(before + 1, after).stream().anyMatch(WatchedClient.Seen::gap);
            assertThat(covered).as("%s: acknowledged %s neither delivered nor covered by a gap", who, acked.get(k))
                    .isTrue();
        }
        // every attempt carries an idempotency key and is retried until acknowledged, so nothing
        // reaches a client that the app was not eventually told about
        assertThat(at.keySet()).as("%s: delivered but never acknowledged", who).isSubsetOf(ackedData);
        return missing;
    }
}

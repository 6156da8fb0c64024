package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LinkProbeTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<String> sent = new ArrayList<>();
    private final LinkProbe probe = new LinkProbe(Duration.ofSeconds(1), Runnable::run);

    private CompletableFuture<Long> answered(String channel, String seq) {
        sent.add(channel + "=" + seq);
        return CompletableFuture.completedFuture(1L);
    }

    private CompletableFuture<Long> unanswered(String channel, String seq) {
        sent.add(channel + "=" + seq);
        return new CompletableFuture<>();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void probesThatComeBackKeepTheLinkHealthy() {
        probe.reset(List.of("a", "b"));
        assertThat(probe.check(0, this::answered)).isEqualTo(LinkProbe.Verdict.HEALTHY);
        assertThat(sent).containsExactlyInAnyOrder("a=1", "b=1");
        assertThat(probe.accept("a", bytes("1"))).isTrue();
        assertThat(probe.accept("b", bytes("1"))).isTrue();
        assertThat(probe.accept("room", bytes("1"))).isFalse();
        assertThat(probe.check(5 * SECOND, this::answered)).isEqualTo(LinkProbe.Verdict.HEALTHY);
        assertThat(sent).contains("a=2", "b=2");
    }

    @Test
    void oneShardMissingItsProbeIsASilentLink() {
        probe.reset(List.of("a", "b"));
        probe.check(0, this::answered);
        probe.accept("a", bytes("1"));
        assertThat(probe.check(SECOND / 2, this::answered)).isEqualTo(LinkProbe.Verdict.HEALTHY);
        assertThat(probe.check(2 * SECOND, this::answered)).isEqualTo(LinkProbe.Verdict.LINK_SILENT);
    }

    @Test
    void anUnansweredPublishMeansTheCommandConnectionIsSilentToo() {
        probe.reset(List.of("a"));
        probe.check(0, this::unanswered);
        assertThat(probe.check(2 * SECOND, this::unanswered)).isEqualTo(LinkProbe.Verdict.COMMANDS_SILENT);
    }

    @Test
    void aNewLinkForgetsTheOutstandingProbe() {
        probe.reset(List.of("a"));
        probe.check(0, this::answered);
        probe.reset(List.of("a2"));
        assertThat(probe.check(2 * SECOND, this::answered)).isEqualTo(LinkProbe.Verdict.HEALTHY);
        assertThat(sent).contains("a2=2");
    }
}

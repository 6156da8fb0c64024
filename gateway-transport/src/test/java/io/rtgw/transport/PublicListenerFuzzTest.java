package io.rtgw.transport;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the public listener with Jazzer's JUnit integration, over the same
 * checks as {@link FuzzedInputsTest}: every input gets an answer docs/protocol.md documents.
 *
 * <p>In {@code ./gateway test} the targets run in regression mode: every input stored under
 * {@code src/test/resources/io/rtgw/transport/PublicListenerFuzzTestInputs/<target>/}, so a
 * finding, once saved there, is checked by every build. To fuzz (a minute per target, libFuzzer
 * guided by coverage; Jazzer fuzzes the first target it is given per run):
 * {@code JAZZER_FUZZ=1 mvn -pl gateway-transport -am verify -Dit.test=none
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest='PublicListenerFuzzTest#webSocketFrames'} (or {@code #streamRequests}).
 */
class PublicListenerFuzzTest {
    private static final int MAX_FRAMES = 6;
    private static final int MAX_FRAME_BYTES = 512;

    /** Bytes after an authenticated upgrade, cut into up to six writes: frames or no frames at all. */
    @FuzzTest(maxDuration = "60s")
    void webSocketFrames(FuzzedDataProvider data) throws Exception {
        int writes = data.consumeInt(1, MAX_FRAMES);
        List<byte[]> frames = new ArrayList<>(writes);
        for (int i = 1; i < writes; i++) {
            frames.add(data.consumeBytes(data.consumeInt(0, MAX_FRAME_BYTES)));
        }
        frames.add(data.consumeRemainingAsBytes());
        FuzzedInputsTest.webSocket(AbuseLimits.NONE, FuzzInputs.TOKEN, frames);
    }

    /** The query string of an SSE and a long-poll request (channels, cursor, timeout, token). */
    @FuzzTest(maxDuration = "60s")
    void streamRequests(FuzzedDataProvider data) throws Exception {
        FuzzedInputsTest.stream(data.consumeRemainingAsAsciiString(), List.of());
    }
}

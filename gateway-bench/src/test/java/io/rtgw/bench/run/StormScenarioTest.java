package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class StormScenarioTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void clientsBehindAreNamedByTransportAndChannelOverAllWorkers() throws Exception {
        List<JsonNode> verified = List.of(
                JSON.readTree("{\"clientsBehind\":9,\"behind.ws\":4,\"behind.sse\":5,\"behindChannels\":\"12\"}"),
                JSON.readTree("{\"clientsBehind\":5,\"behind.sse\":2,\"behind.ws\":3,\"behindChannels\":\"12,40\"}"));
        assertThat(StormScenario.behindWhere(verified)).isEqualTo(": ws 7, sse 7 on channels 12 40");
    }

    @Test
    void nobodyBehindSaysNothing() throws Exception {
        assertThat(StormScenario.behindWhere(List.of(JSON.readTree("{\"clientsBehind\":0,\"behindChannels\":\"\"}"))))
                .isEmpty();
    }
}

package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.broker.BrokerContractTest.RecordingListener;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RedisServerExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The library is (re)loaded on connect, but never downgraded by an older node. */
class FunctionLoadingTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.dedicated();

    private static String fakeLibrary(int version) {
        return "#!lua name=rtgw\nredis.register_function{function_name='rtgw_version', callback=function() return '"
                + version + "' end, flags={'no-writes'}}";
    }

    private static String start(RedisServer server) throws Exception {
        try (RedisBroker broker = new RedisBroker(TestBrokers.config(server.uri(), null).build())) {
            broker.start(new RecordingListener()).get(30, TimeUnit.SECONDS);
            return server.cli("FCALL", "rtgw_version", "0");
        }
    }

    @Test
    void anOlderLibraryIsReplaced(RedisServer server) throws Exception {
        server.cli("FUNCTION", "LOAD", "REPLACE", fakeLibrary(0));
        assertThat(start(server)).isEqualTo(Integer.toString(FunctionLibrary.VERSION));
        assertThat(server.cli("FUNCTION", "LIST", "LIBRARYNAME", "rtgw")).contains("rtgw_publish");
    }

    @Test
    void aNewerLibraryIsLeftInPlace(RedisServer server) throws Exception {
        server.cli("FUNCTION", "LOAD", "REPLACE", fakeLibrary(FunctionLibrary.VERSION + 1));
        assertThat(start(server)).isEqualTo(Integer.toString(FunctionLibrary.VERSION + 1));
        server.cli("FUNCTION", "FLUSH");
    }
}

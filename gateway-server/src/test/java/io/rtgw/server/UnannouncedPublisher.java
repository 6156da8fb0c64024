package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.core.StreamPosition;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.RespClient;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes "the announcement was lost": a publication that reaches the channel's stream and
 * position exactly as {@code rtgw_publish} writes them, but whose pub/sub announcement never
 * goes out. The library is the gateway's own, read back from Redis as the node loaded it, with
 * only the PUBLISH taken out, so the write cannot drift from the real one.
 */
final class UnannouncedPublisher {
    static final String FUNCTION = "rtgw_test_publish_unannounced";
    private static final Pattern ANNOUNCE = Pattern.compile("(?m)^\\s*redis\\.call\\(PUBLISH, .*$");
    private static final Pattern REGISTRATIONS = Pattern.compile("(?s)redis\\.register_function.*\\z");

    private final RedisServer server;

    private UnannouncedPublisher(RedisServer server) {
        this.server = server;
    }

    /** Loads the test library next to the gateway's (which must be loaded already: a node is up). */
    static UnannouncedPublisher load(RedisServer server) {
        List<String> listing = server.command(RespClient.utf8("FUNCTION"), RespClient.utf8("LIST"),
                RespClient.utf8("WITHCODE"), RespClient.utf8("LIBRARYNAME"), RespClient.utf8("rtgw"));
        int at = listing.indexOf("library_code");
        assertThat(at).as("the gateway's library is loaded: %s", listing).isNotNegative();
        String code = listing.get(at + 1);
        Matcher announce = ANNOUNCE.matcher(code);
        assertThat(announce.find()).as("rtgw_publish announces with redis.call(PUBLISH, ...)").isTrue();
        // every announcement: the envelope channel's and the copy for nodes of library version 1
        code = announce.replaceAll("  -- announcement lost (test)");
        assertThat(ANNOUNCE.matcher(code).find()).as("no announcement left").isFalse();
        code = code.replaceFirst("#!lua name=rtgw\\b", "#!lua name=rtgwtest_unannounced");
        Matcher registrations = REGISTRATIONS.matcher(code);
        assertThat(registrations.find()).isTrue();
        code = registrations.replaceFirst("redis.register_function('" + FUNCTION + "', publish)\n");
        server.command(RespClient.utf8("FUNCTION"), RespClient.utf8("LOAD"), RespClient.utf8("REPLACE"),
                RespClient.utf8(code));
        return new UnannouncedPublisher(server);
    }

    /** @return the id the publication got, as {@code rtgw_publish} would have answered */
    String publish(String tenant, String channel, String json) {
        List<String> reply = server.command(RespClient.utf8("FCALL"), RespClient.utf8(FUNCTION), RespClient.utf8("1"),
                RespClient.utf8(RedisE2e.key(tenant, channel)), RespClient.utf8(""), RespClient.utf8(json));
        String id = reply.get(0);
        assertThat(StreamPosition.parse(id)).as("'%s' is an id", id).isNotNull();
        return id;
    }
}

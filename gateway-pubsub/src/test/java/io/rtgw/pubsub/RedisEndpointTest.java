package io.rtgw.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {
    @Test
    void aSingleHostIsStandalone() {
        RedisEndpoint e = RedisEndpoint.parse("redis://:secret@cache.internal:6380/2");
        assertThat(e.mode()).isEqualTo(RedisEndpoint.Mode.STANDALONE);
        RedisURI uri = e.uris().get(0);
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getCredentialsProvider()).isNotNull();
    }

    @Test
    void tlsIsKept() {
        assertThat(RedisEndpoint.parse("rediss://h:6379").uris().get(0).isSsl()).isTrue();
    }

    @Test
    void aSeedListOrTheClusterFlagMeansCluster() {
        RedisEndpoint list = RedisEndpoint.parse("redis://a:7000,b:7001,c:7002");
        assertThat(list.mode()).isEqualTo(RedisEndpoint.Mode.CLUSTER);
        assertThat(list.uris()).extracting(RedisURI::getHost).containsExactly("a", "b", "c");
        assertThat(list.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
        // docs/configuration.md also allows a list of whole URLs
        RedisEndpoint urls = RedisEndpoint.parse("redis://a:7000,redis://b:7001");
        assertThat(urls.mode()).isEqualTo(RedisEndpoint.Mode.CLUSTER);
        assertThat(urls.uris()).extracting(RedisURI::getHost).containsExactly("a", "b");
        assertThat(urls.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        RedisEndpoint flagged = RedisEndpoint.parse("redis://seed:7000?cluster=true");
        assertThat(flagged.mode()).isEqualTo(RedisEndpoint.Mode.CLUSTER);
        assertThat(flagged.uris()).hasSize(1);
    }

    @Test
    void sentinelIsHandedToLettuce() {
        RedisEndpoint e = RedisEndpoint.parse("redis-sentinel://s1:26379,s2:26379/0#mymaster");
        assertThat(e.mode()).isEqualTo(RedisEndpoint.Mode.SENTINEL);
        assertThat(e.uris().get(0).getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(e.uris().get(0).getSentinels()).hasSize(2);
    }

    @Test
    void badUrlsNameTheSettingAndHideThePassword() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://u:pw@h:1"))
                .hasMessageStartingWith("RTGW_REDIS_URL").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> RedisEndpoint.parse("cache:6379")).hasMessageStartingWith("RTGW_REDIS_URL");
        assertThatThrownBy(() -> RedisEndpoint.parse("redis://a:1,,b:2")).hasMessageStartingWith("RTGW_REDIS_URL");
    }
}

package io.rtgw.server;

import io.rtgw.testkit.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server API across two nodes on a 3-master Redis Cluster ({@link ServerApiAcrossNodesContract}):
 * commands and answers travel over sharded pub/sub, revocations and reports live on whichever
 * masters own their hash tags (docs/scaling.md).
 */
class ServerApiOnClusterIT extends ServerApiAcrossNodesContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.cluster(3);

    @Override
    RedisServerExtension redis() {
        return redis;
    }

    @Override
    String redisUrl() {
        return redis.cluster().seedUri();
    }

    @Override
    String cli(String... args) {
        return redis.cluster().cli(args);
    }
}

/**
 * The Redis broker: {@link io.rtgw.pubsub.RedisBroker}, configured with
 * {@link io.rtgw.pubsub.RedisBrokerConfig} from {@code RTGW_REDIS_URL}.
 *
 * <p>Wiring, in the server:
 * <pre>{@code
 * Broker broker = new RedisBroker(RedisBrokerConfig.builder(redisUrl)
 *         .policies(defaultPolicy, policiesByNamespace)   // also baked into the Redis function
 *         .clientResources(lettuceResources)               // RedisResources.create(), one per process;
 *                                                          // without it the broker owns its own
 *         .pubSubResources(onTheNodesLoops)                // optional: RedisResources.pubSubOn(lettuceResources,
 *                                                          // loops, socketType): pub/sub and the lanes on the
 *                                                          // node's loops (RTGW_REDIS_IO=shared)
 *         .laneCapacity(10_000)                            // messages waiting per lane before a resync
 *         .build());
 * broker.start(listener);   // completes when first up; keeps retrying while Redis is away
 * // the listener implements onChannelResync: a full lane re-reads that channel's history
 * }</pre>
 *
 * <p>The server API's control plane on the same Redis (docs/protocol.md §7):
 * <pre>{@code
 * ControlPlane plane = new RedisControlPlane(brokerConfig, reportInterval, maxTokenAge, skew, clock);
 * nodeControl.start(nodeId, plane);   // subscribes, then reads the revocations
 * }</pre>
 * It opens its own connections on the same Lettuce resources; its keys are listed in
 * {@code docs/scaling.md} ("Control plane keys in Redis").
 *
 * <p>Redis layout, the function library and the envelope format are described in
 * {@code docs/publishing.md}; the operating model (subscriptions per node, Cluster, failure
 * outcomes) in {@code docs/scaling.md}.
 */
package io.rtgw.pubsub;

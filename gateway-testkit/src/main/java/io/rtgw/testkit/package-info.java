/**
 * Test support: a real Redis for integration tests, never a mock.
 *
 * <pre>{@code
 * @RegisterExtension static RedisServerExtension redis = RedisServerExtension.shared();
 *
 * @Test void something(RedisServer server) {
 *     String tenant = redis.tenant();          // unique per test
 *     connect(server.uri());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.rtgw.testkit.RedisServerExtension#shared()}: one {@code redis-server} per test
 *       run; {@link io.rtgw.testkit.RedisServerExtension#dedicated()} (optionally
 *       {@code .appendOnly()}, {@code .appendFsyncAlways()}, {@code .withArgs(…)}): one per class
 *       that the tests may stop, crash (SIGKILL), restart (same port and directory), restart
 *       empty, or flush;
 *       {@link io.rtgw.testkit.RedisServerExtension#cluster(int)}: a Redis Cluster of masters.</li>
 *   <li>{@link io.rtgw.testkit.TcpProxy}: make connections go silent without closing them.</li>
 *   <li>{@link io.rtgw.testkit.RespClient}: a binary-exact RESP client, "another app".</li>
 * </ul>
 * Servers run from the Debian {@code redis-server} on loopback and are stopped by PID; where it
 * is missing and Docker is available, a container is used instead (no stop/restart there).
 */
package io.rtgw.testkit;

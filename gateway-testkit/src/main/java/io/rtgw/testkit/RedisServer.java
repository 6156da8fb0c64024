package io.rtgw.testkit;

import java.util.List;

/**
 * A Redis a test can talk to and disturb. Tests reach it by URI like any application would; the
 * disturbing methods exist so that outage handling is tested against the real thing, not a mock.
 */
public interface RedisServer extends AutoCloseable {

    String host();

    int port();

    /** {@code redis://host:port}, what a broker under test is configured with. */
    default String uri() {
        return "redis://" + host() + ":" + port();
    }

    /** Runs one command with {@code redis-cli} and returns its raw output, trimmed. */
    String cli(String... args);

    /** Runs one command through the RESP protocol directly (binary-safe arguments). */
    List<String> command(byte[]... args);

    /** Forgets every key (functions survive, as they do in a real FLUSHALL). */
    default void flushAll() {
        cli("FLUSHALL");
    }

    /** Stops the server as an operator would (SIGTERM: a final AOF fsync, no RDB since save is off). */
    void stop();

    /** Kills the server without a chance to write anything (SIGKILL). */
    void crash();

    /** Starts a stopped server again on the same port with the same directory. */
    void restart();

    /** Stops the server, deletes its data files and starts it again: a restart without persistence. */
    void restartEmpty();

    boolean isRunning();

    @Override
    void close();
}

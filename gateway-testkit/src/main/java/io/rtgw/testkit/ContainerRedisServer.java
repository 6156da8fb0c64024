package io.rtgw.testkit;

import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;

/**
 * Redis in a Docker container, for machines that have Docker but no {@code redis-server}. It
 * cannot be stopped and restarted on the same port, so outage tests need the local process.
 */
final class ContainerRedisServer implements RedisServer {
    private static final int REDIS_PORT = 6379;
    private final GenericContainer<?> container;

    @SuppressWarnings("resource")
    ContainerRedisServer(boolean appendOnly) {
        container = new GenericContainer<>("redis:7.0").withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", appendOnly ? "yes" : "no");
        container.start();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(REDIS_PORT);
    }

    @Override
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(List.of(args));
        try {
            return container.execInContainer(cmd.toArray(String[]::new)).getStdout().trim();
        } catch (Exception e) {
            throw new IllegalStateException("redis-cli in container failed", e);
        }
    }

    @Override
    public List<String> command(byte[]... args) {
        return RespClient.call(host(), port(), 10_000, args);
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stop/restart needs a local redis-server");
    }

    @Override
    public void crash() {
        throw new UnsupportedOperationException("crash needs a local redis-server");
    }

    @Override
    public void restart() {
        throw new UnsupportedOperationException("restart needs a local redis-server");
    }

    @Override
    public void restartEmpty() {
        throw new UnsupportedOperationException("restart needs a local redis-server");
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public void close() {
        container.stop();
    }
}

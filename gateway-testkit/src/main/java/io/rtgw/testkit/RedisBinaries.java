package io.rtgw.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the Debian {@code redis-server} / {@code redis-cli} live, and running them. */
final class RedisBinaries {
    private RedisBinaries() {
    }

    static boolean serverInstalled() {
        return find("redis-server") != null;
    }

    static String server() {
        return require("redis-server");
    }

    static String cli() {
        return require("redis-cli");
    }

    private static String require(String name) {
        String path = find(name);
        if (path == null) {
            throw new IllegalStateException(name + " not found on PATH or in /usr/bin"
                    + " (install the Debian package redis-server; ./gateway test does)");
        }
        return path;
    }

    private static String find(String name) {
        String pathEnv = System.getenv().getOrDefault("PATH", "");
        for (String dir : (pathEnv + ":/usr/bin:/usr/local/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    /** Runs a command to completion and returns its standard output (stderr folded in), trimmed. */
    static String run(List<String> cmd, Duration timeout) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.rtgw.bench.run;

import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the box, stored with every result so numbers are never read without it. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (java.io.IOException ignored) {
            // not Linux: leave it unknown
        }
        return cpuCount() + " cpus, " + cpu + ", java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version");
    }

    /** All CPUs of the box (this process itself is pinned, so the JVM's own count would say 1). */
    static long cpuCount() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (java.io.IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}

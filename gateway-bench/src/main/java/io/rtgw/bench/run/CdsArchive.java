package io.rtgw.bench.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code --cds on}: the gateway starts from a class-data archive as the image and ./gateway run do
 * (docs/deployment.md). The archive is made by the jar's own training ({@code --cds-training})
 * with the java that will run the gateway (this JVM's), kept next to the jar and named after the
 * jar's size and time and the java's home and version, so a rebuilt jar or another java makes a
 * new one. A training that fails, or an archive the run's JVM flags cannot map, leaves the run
 * without one, said in one line.
 */
final class CdsArchive {
    private static final String PREFIX = "rtgw-bench-cds-";

    private CdsArchive() {
    }

    /** The flags that start rtgw from the archive, or an empty list (the reason printed). */
    static List<String> flags(Path jar, String cpus, String jvmFlags, Path dir) throws Exception {
        Path archive = archiveFor(jar);
        if (!Files.exists(archive)) {
            if (!train(jar, cpus, archive, dir.resolve("cds-training.log"))) {
                return List.of();
            }
            System.err.println("bench: class-data archive made for " + jar.getFileName() + ": " + archive);
        }
        List<String> flags = List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        // -Xshare:on fails where :auto would quietly share nothing (e.g. --jvm-flags with a heap over 32 GB).
        List<String> check = Proc.java(jvmFlags);
        check.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-jar", jar.toString(), "--help"));
        if (run(check, cpus, dir.resolve("cds-check.log"), 60) != 0) {
            System.err.println("bench: the gateway's JVM flags cannot map the class-data archive (see cds-check.log); rtgw runs without it");
            return List.of();
        }
        return flags;
    }

    private static boolean train(Path jar, String cpus, Path archive, Path log) throws Exception {
        try (Stream<Path> old = Files.list(jar.getParent())) {
            for (Path p : old.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
                Files.deleteIfExists(p); // an older jar's or another java's
            }
        }
        Path partial = archive.resolveSibling(archive.getFileName() + ".tmp");
        // The bench's default flags, not --jvm-flags: a profiling run's recording must not start here.
        List<String> cmd = Proc.java(RtgwServer.DEFAULT_JVM_FLAGS);
        cmd.addAll(List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:ArchiveClassesAtExit=" + partial,
                "-jar", jar.toString(), "--cds-training"));
        System.err.println("bench: class-data training of " + jar.getFileName() + " (once per jar and java)");
        if (run(cmd, cpus, log, 180) != 0 || !Files.exists(partial) || Files.size(partial) == 0) {
            Files.deleteIfExists(partial);
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            System.err.println("bench: class-data training failed (" + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1))
                    + "); rtgw runs without an archive, see " + log);
            return false;
        }
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    static Path archiveFor(Path jar) throws Exception {
        String identity = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " "
                + System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
        return jar.resolveSibling(PREFIX + HexFormat.of().formatHex(digest, 0, 6) + ".jsa");
    }

    private static int run(List<String> cmd, String cpus, Path log, int seconds) throws Exception {
        Process p = Proc.start(cmd, cpus, log, null);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            Proc.stop(p, 5);
            return -1;
        }
        return p.exitValue();
    }
}

package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive as ./gateway run and the image make it (docs/deployment.md): the packaged
 * jar's training in a child JVM of this test's java writes an archive at exit, and another JVM
 * starts from it. {@code -Xshare:on} makes an archive that cannot be mapped fail the start
 * instead of being ignored, and the class-loading log shows the node's own classes coming from it.
 */
class CdsTrainingIT {
    private static final Path JAR = Path.of("target", "rtgw.jar");

    @Test
    void trainingWritesAnArchiveThatTheNextJvmMapsWithTheNodesClasses(@TempDir Path dir) throws Exception {
        assertThat(Files.exists(JAR)).as("the shaded jar is built before integration tests").isTrue();
        Path archive = dir.resolve("rtgw.jsa");
        Path trainingLog = dir.resolve("training.log");
        Process training = java(trainingLog, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-XX:ArchiveClassesAtExit=" + archive, "-jar", JAR.toString(), "--cds-training");
        assertThat(training.waitFor(180, TimeUnit.SECONDS)).as("training ends (log: %s)", trainingLog).isTrue();
        String log = Files.readString(trainingLog, StandardCharsets.UTF_8);
        assertThat(training.exitValue()).as(log).isZero();
        assertThat(log).contains("rtgw listening", "class-data training done")
                .contains("transport=websocket", "transport=sse");
        assertThat(archive).exists().isNotEmptyFile();

        Path startLog = dir.resolve("start.log");
        Process start = java(startLog, "-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info",
                "-jar", JAR.toString(), "--help");
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(startLog, StandardCharsets.UTF_8);
        assertThat(start.exitValue()).as(out).isZero();
        assertThat(out).contains("usage: rtgw")
                .containsPattern("io\\.rtgw\\.server\\.Main source: shared objects file \\(top\\)");
    }

    private static Process java(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("RTGW_"));
        return pb.start();
    }
}

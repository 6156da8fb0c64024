package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsArchiveTest {
    /** A JVM refuses an archive made for another jar size or time: a rebuilt jar must get a new one. */
    @Test
    void theArchiveIsNamedAfterTheJarsSizeAndTimeAndKeptBesideIt(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("rtgw.jar"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-01T00:00:00Z")));
        Path first = CdsArchive.archiveFor(jar);
        assertThat(first.getParent()).isEqualTo(dir);
        assertThat(first.getFileName().toString()).matches("rtgw-bench-cds-[0-9a-f]{12}\\.jsa");
        assertThat(CdsArchive.archiveFor(jar)).isEqualTo(first);

        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-02T00:00:00Z")));
        Path rebuilt = CdsArchive.archiveFor(jar);
        assertThat(rebuilt).isNotEqualTo(first);
        Files.write(jar, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-02T00:00:00Z")));
        assertThat(CdsArchive.archiveFor(jar)).isNotEqualTo(rebuilt);
    }
}

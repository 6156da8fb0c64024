package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md is the contract users get; nothing in the repository may send them to a file
 * they do not have (the external contract page, a sibling folder), and every
 * {@code docs/protocol.md §N} must land on a section that exists, or a renumbering leaves
 * citations pointing at the wrong text.
 */
class ProtocolCitationsTest {
    private static final Path ROOT = Path.of("..");
    private static final Path PROTOCOL = ROOT.resolve("docs/protocol.md");
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules");
    private static final Set<String> TEXT_SUFFIXES = Set.of(".java", ".md", ".js", ".mjs", ".ts", ".yml",
            ".yaml", ".conf", ".sh", ".html", ".properties", ".xml", ".lua", ".txt");
    private static final Set<String> TEXT_NAMES = Set.of("Dockerfile", "gateway");

    /** The contract's sections: their numbers and headings are fixed (outside pages cite them too). */
    private static final List<String> SECTIONS = List.of(
            "Processes and listeners",
            "Channels and tenants",
            "Authentication (JWT)",
            "Transports (all on the public listener, one connection abstraction behind them)",
            "Delivery guarantees",
            "Publishing",
            "Server API (admin listener, API key)",
            "Operations",
            "Presence",
            "Connection events for the app",
            "Hooks: the app decides");

    // Written so that this file does not match them itself.
    private static final Pattern OUTSIDE_CITATION = Pattern.compile(
            "\\bPROTOCOL(\\.md\\b|\\s*§|:)|[.][.]/shared\\b|/work[/]shared\\b");
    private static final Pattern CITATION = Pattern.compile("docs/protocol[.]md`?\\s*§(\\d+(?:\\.\\d+)?)");
    private static final Pattern SECTION_HEADING = Pattern.compile("(?m)^## (\\d+)\\. (.+)$");
    private static final Pattern SUBSECTION_HEADING = Pattern.compile("(?m)^### (\\d+\\.\\d+) ");

    private static Map<Path, String> files;

    @BeforeAll
    static void readRepository() throws IOException {
        files = new LinkedHashMap<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // Pruned rather than filtered: node_modules and .git hold far more files than the repo.
                return SKIPPED_DIRS.contains(String.valueOf(dir.getFileName())) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile()
                        && (TEXT_NAMES.contains(name) || TEXT_SUFFIXES.stream().anyMatch(name::endsWith))) {
                    files.put(ROOT.relativize(file), Files.readString(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Test
    void theContractHasSectionsOneToElevenWithTheirFixedHeadings() throws IOException {
        Matcher m = SECTION_HEADING.matcher(Files.readString(PROTOCOL));
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1) + ". " + m.group(2).strip());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < SECTIONS.size(); i++) {
            expected.add((i + 1) + ". " + SECTIONS.get(i));
        }
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void nothingCitesAFileOutsideTheRepository() {
        assertThat(files).as("the scan reached the sources and docs").hasSizeGreaterThan(100)
                .containsKey(Path.of("docs/protocol.md")).containsKey(Path.of("README.md"));
        List<String> offenders = new ArrayList<>();
        files.forEach((path, text) -> {
            Matcher m = OUTSIDE_CITATION.matcher(text);
            while (m.find()) {
                offenders.add(path + ":" + line(text, m.start()) + ": " + m.group());
            }
        });
        assertThat(offenders).as("cite docs/protocol.md §N instead").isEmpty();
    }

    @Test
    void thePatternsRecogniseCitations() {
        String dot = ".";
        for (String outside : List.of("PROTOCOL" + dot + "md", "(PROTOCOL" + " §3)", "see PROTOCOL" + ": x",
                dot + dot + "/shared/X", "/work" + "/shared/X")) {
            assertThat(OUTSIDE_CITATION.matcher(outside).find()).as(outside).isTrue();
        }
        for (String fine : List.of("SUBPROTOCOL:", "HTTP_PROTOCOL", "TOKEN_SUBPROTOCOL_PREFIX", "docs/protocol.md §3")) {
            assertThat(OUTSIDE_CITATION.matcher(fine).find()).as(fine).isFalse();
        }
        Matcher m = CITATION.matcher("(`docs/protocol.md §4.2`) and docs/protocol.md §11/§3");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("4.2");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("11");
    }

    @Test
    void everyCitedSectionExists() throws IOException {
        Set<String> sections = sectionNumbers(Files.readString(PROTOCOL));
        List<String> dangling = new ArrayList<>();
        int citations = 0;
        for (var file : files.entrySet()) {
            Matcher m = CITATION.matcher(file.getValue());
            while (m.find()) {
                citations++;
                if (!sections.contains(m.group(1))) {
                    dangling.add(file.getKey() + ":" + line(file.getValue(), m.start()) + ": §" + m.group(1));
                }
            }
        }
        assertThat(citations).as("citations found").isGreaterThan(20);
        assertThat(dangling).as("sections of docs/protocol.md: " + sections).isEmpty();
    }

    private static Set<String> sectionNumbers(String protocol) {
        Set<String> numbers = new TreeSet<>();
        for (Pattern p : List.of(SECTION_HEADING, SUBSECTION_HEADING)) {
            Matcher m = p.matcher(protocol);
            while (m.find()) {
                numbers.add(m.group(1));
            }
        }
        return numbers;
    }

    private static int line(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}

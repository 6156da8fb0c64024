package io.rtgw.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md repeats every default for readers; the code keeps each in one constant.
 * Setting a variable to the default the docs give must change nothing, so the two cannot drift.
 */
class ConfigDocsDefaultsTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    /** {@code | `RTGW_X` | `yaml_key` | `default` | meaning |}: only defaults written as one literal. */
    private static final Pattern ROW = Pattern.compile("^\\| `(RTGW_[A-Z0-9_]+)` \\| [^|]* \\| `([^`]*)` \\|",
            Pattern.MULTILINE);
    /** Credentials the test itself must set. */
    private static final Set<String> GIVEN = ConfigLoaderTest.CREDENTIALS.keySet();

    static Map<String, String> documentedDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            if (!GIVEN.contains(m.group(1))) {
                defaults.put(m.group(1), m.group(2));
            }
        }
        return defaults;
    }

    @Test
    void everyDocumentedDefaultIsTheDefault() throws IOException {
        Map<String, String> documented = documentedDefaults();
        assertThat(documented).as("rows read from " + DOC.toAbsolutePath()).hasSizeGreaterThan(30);
        GatewayConfig defaults = ConfigLoader.load(null, ConfigLoaderTest.env(), false);
        documented.forEach((name, value) -> assertThat(ConfigLoader.load(null, ConfigLoaderTest.env(name, value), false))
                .as("%s=%s (the documented default)", name, value)
                .isEqualTo(defaults));
    }
}

package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked without a Docker engine: the compose file, nginx upstreams and Prometheus
 * targets name the same nodes and ports, every mounted file exists, and the Dockerfile keeps the
 * properties the docs promise. docker/test/run.sh (in ./gateway test) builds and runs them.
 */
class DeploymentFilesTest {
    private static final Path DOCKER = Path.of("..", "docker");
    private static Map<String, Map<String, Object>> services;
    private static Set<String> gateways;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCompose() throws Exception {
        // SnakeYAML rather than Jackson: the compose file uses anchors and merge keys (<<).
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        gateways = services.keySet().stream().filter(s -> s.startsWith("gateway-")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyNodeSharesRedisNeedsRealSecretsAndOutlivesItsDrain() {
        assertThat(gateways).hasSize(2);
        for (String g : gateways) {
            Map<String, Object> env = (Map<String, Object>) services.get(g).get("environment");
            assertThat(env.get("RTGW_REDIS_URL")).as(g).isEqualTo("redis://redis:6379");
            // ${VAR:?message}: compose refuses to start without them, so no node runs with random secrets.
            assertThat((String) env.get("RTGW_JWT_SECRET")).as(g).startsWith("${RTGW_JWT_SECRET:?");
            assertThat((String) env.get("RTGW_API_KEY")).as(g).startsWith("${RTGW_API_KEY:?");
            assertThat(duration((String) services.get(g).get("stop_grace_period")))
                    .as(g + ": stop_grace_period > RTGW_DRAIN").isGreaterThan(duration((String) env.get("RTGW_DRAIN")));
        }
    }

    @Test
    void prometheusScrapesEveryNodesAdminPortAndNginxProxiesEveryPublicPort() throws Exception {
        Set<String> admin = gateways.stream().map(g -> g + ":9090").collect(Collectors.toCollection(TreeSet::new));
        Set<String> pub = gateways.stream().map(g -> g + ":8080").collect(Collectors.toCollection(TreeSet::new));
        assertThat(found("\"([\\w-]+:\\d+)\"", Files.readString(DOCKER.resolve("prometheus.yml")))).isEqualTo(admin);
        assertThat(found("server\\s+([\\w-]+:\\d+)", Files.readString(DOCKER.resolve("nginx/rtgw-upstreams.conf"))))
                .isEqualTo(pub);
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).contains("RTGW_PUBLIC_PORT=8080", "RTGW_ADMIN_PORT=9090");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMountedFileExists() {
        int mounts = 0;
        for (var service : services.entrySet()) {
            for (Object v : (List<Object>) service.getValue().getOrDefault("volumes", List.of())) {
                String source = v.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source)).as(service.getKey() + " mounts " + source).exists();
                    mounts++;
                }
            }
        }
        assertThat(mounts).isGreaterThanOrEqualTo(7);
    }

    @Test
    void theImageRunsJavaAsPid1AsANonRootUserWithAHealthcheck() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*?])\\s*$", Pattern.DOTALL)
                .matcher(dockerfile.replace("\\\n", ""));
        assertThat(entry.find()).as("ENTRYPOINT in exec form (a shell would swallow SIGTERM)").isTrue();
        assertThat(entry.group(1)).startsWith("[\"java\"").contains("\"--enable-native-access=ALL-UNNAMED\"",
                "\"-jar\"");
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1).split(":")[0]).isNotIn("0", "root");
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*healthcheck\\.sh");
        assertThat(DOCKER.resolve("healthcheck.sh")).isExecutable();
        assertThat(dockerfile).containsPattern("(?m)^ARG BUILD_IMAGE=maven:\\S+-eclipse-temurin-17$")
                .containsPattern("(?m)^ARG RUNTIME_IMAGE=eclipse-temurin:17-jre$")
                .containsPattern("(?m)^FROM \\$\\{BUILD_IMAGE} AS build$")
                .containsPattern("(?m)^FROM \\$\\{RUNTIME_IMAGE}$");
    }

    /**
     * Issue 18: "# syntax=" makes every build fetch a frontend image from a registry (fails offline;
     * Docker 20.10+ has RUN --mount built in), and JAR=host must reach the jar through the
     * .dockerignore that keeps every other target/ out of the context.
     */
    @Test
    void theImageBuildsWithoutARegistryFromTheHostsJar() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile).doesNotContainPattern("(?im)^#\\s*syntax=");
        assertThat(dockerfile).containsPattern("(?m)^COPY gateway-server/target/rtgw.jar /rtgw.jar$")
                .containsPattern("(?m)^FROM jar-\\$\\{JAR} AS jar$");
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        assertThat(ignore).containsSubsequence("**/target/", "!gateway-server/target/rtgw.jar");
    }

    /** Issue 18: the proxies the nodes trust are exactly the compose network, pinned. */
    @Test
    @SuppressWarnings("unchecked")
    void theTrustedProxiesAreTheComposeNetworksPinnedSubnet() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("docker-compose.yml")));
        Map<String, Object> ipam = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) compose
                .get("networks")).get("default")).get("ipam");
        String subnet = (String) ((List<Map<String, Object>>) ipam.get("config")).get(0).get("subnet");
        assertThat(subnet).matches("\\$\\{RTGW_SUBNET:-\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+}");
        for (String g : gateways) {
            Map<String, Object> env = (Map<String, Object>) services.get(g).get("environment");
            assertThat(env.get("RTGW_TRUSTED_PROXIES")).as(g).isEqualTo(subnet);
        }
    }

    /**
     * Issue 13: a JVM that hit OutOfMemoryError kept its process up but never answered again;
     * exiting lets the supervisor (Docker, systemd, Kubernetes) restart it.
     */
    @Test
    void theImageAndTheLauncherExitOnOutOfMemory() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", "");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*?])\\s*$").matcher(dockerfile);
        assertThat(entry.find()).isTrue();
        assertThat(entry.group(1)).contains("\"-XX:+ExitOnOutOfMemoryError\"");
        String launcher = Files.readString(Path.of("..", "gateway"));
        Matcher run = Pattern.compile("(?ms)^  run\\).*?^\\s*exec java ([^\\n]*)$").matcher(launcher);
        assertThat(run.find()).as("'./gateway run' starts java with exec").isTrue();
        assertThat(run.group(1)).contains("-XX:+ExitOnOutOfMemoryError");
    }

    /**
     * Issue 17: the image and ./gateway run start from a class-data archive made by their own java
     * (CdsTrainingIT checks that training makes one), and never fail on one they cannot use.
     */
    @Test
    void theImageAndTheLauncherStartFromAClassDataArchiveTheyMadeThemselves() throws Exception {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", "");
        int runtime = dockerfile.indexOf("FROM ${RUNTIME_IMAGE}");
        Matcher training = Pattern.compile("(?m)^RUN .*\\bjava .*-XX:ArchiveClassesAtExit=(\\S+)\\s+-jar /app/rtgw.jar --cds-training")
                .matcher(dockerfile);
        assertThat(training.find()).as("the final stage trains with the image's own java").isTrue();
        assertThat(training.start()).isGreaterThan(runtime);
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*?])\\s*$").matcher(dockerfile);
        assertThat(entry.find()).isTrue();
        assertThat(entry.group(1)).contains("\"-XX:SharedArchiveFile=" + training.group(1) + "\"", "\"-Xshare:auto\"");
        String launcher = Files.readString(Path.of("..", "gateway"));
        assertThat(launcher).contains("-XX:ArchiveClassesAtExit=").contains("--cds-training")
                .contains("-XX:SharedArchiveFile=\"$archive\" -Xshare:auto");
    }

    private static Set<String> found(String regex, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Duration duration(String compact) {
        Matcher m = Pattern.compile("(\\d+)(s|m)").matcher(compact);
        assertThat(m.matches()).as(compact).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
    }
}

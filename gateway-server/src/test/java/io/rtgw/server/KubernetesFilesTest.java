package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rtgw.server.config.ConfigLoader;
import io.rtgw.server.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/kubernetes/ (issue 18) read as Kubernetes would, checked against what the node really
 * does: every setting is one of docs/configuration.md and loads, the ports are the image's, the
 * probes hit the right routes, the grace outlasts the drain the settings configure, the memory
 * request covers the connection cap at the measured cost per connection, and the Service and the
 * disruption budget select the Deployment's pods.
 */
class KubernetesFilesTest {
    private static final Path DIR = Path.of("..", "docker", "kubernetes");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(RTGW_[A-Z0-9_]+)` \\|", Pattern.MULTILINE);
    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static JsonNode pod;
    private static JsonNode rtgw;

    @BeforeAll
    static void readManifests() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        assertThat(BY_KIND.put(doc.path("kind").asText(), doc)).as("one %s", doc.path("kind")).isNull();
                    }
                }
            }
        }
        assertThat(BY_KIND).containsKeys("Deployment", "Service", "PodDisruptionBudget", "Secret");
        pod = BY_KIND.get("Deployment").path("spec").path("template");
        rtgw = container("rtgw");
    }

    @Test
    void everyRtgwSettingIsDocumentedAndLoads() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = DOCUMENTED.matcher(Files.readString(Path.of("..", "docs", "configuration.md")));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(env().keySet()).allSatisfy(name -> assertThat(documented).as("docs/configuration.md").contains(name));
        // Secrets are not in the file; everything else must be a value the node accepts.
        assertThat(settings().warnings()).isEmpty();
        assertThat(secretRefs()).as("credentials come from the secret").containsOnlyKeys("RTGW_JWT_SECRET", "RTGW_API_KEY");
        JsonNode secret = BY_KIND.get("Secret");
        secretRefs().values().forEach(ref -> {
            assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
            assertThat(secret.path("stringData").has(ref.path("key").asText())).as(ref.toString()).isTrue();
        });
        assertThat(env()).containsKey("RTGW_REDIS_URL"); // more than one replica: they must share a broker
    }

    @Test
    void thePortsAreTheImagesAndOnlyThePublicOneIsInTheService() throws IOException {
        String dockerfile = Files.readString(Path.of("..", "docker", "Dockerfile"));
        Map<String, Integer> ports = new HashMap<>();
        rtgw.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(dockerfile).contains("RTGW_PUBLIC_PORT=" + ports.get("public"), "RTGW_ADMIN_PORT=" + ports.get("admin"));
        assertThat(ports).containsOnlyKeys("public", "admin");
        JsonNode service = BY_KIND.get("Service").path("spec");
        assertThat(service.path("ports")).hasSize(1);
        assertThat(service.path("ports").get(0).path("targetPort").asText()).isEqualTo("public");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
                .isEqualTo(String.valueOf(ports.get("admin")));
    }

    @Test
    void livenessIsHealthzAndReadinessIsReadyzOnTheAdminPort() {
        assertThat(rtgw.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(rtgw.at("/livenessProbe/httpGet/port").asText()).isEqualTo("admin");
        assertThat(rtgw.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(rtgw.at("/readinessProbe/httpGet/port").asText()).isEqualTo("admin");
    }

    /** SIGKILL comes after the grace: the drain and the JVM's stop must both fit, but not much more. */
    @Test
    void theGracePeriodOutlastsTheDrainItConfigures() {
        Duration drain = settings().drain();
        Duration grace = Duration.ofSeconds(pod.at("/spec/terminationGracePeriodSeconds").asLong());
        assertThat(grace).isBetween(drain.plusSeconds(5), drain.plusSeconds(30));
    }

    /** docs/performance.md, idle: RSS at rest plus the measured RSS per connection, up to the cap. */
    @Test
    void theMemoryRequestCoversTheConnectionCapAtTheMeasuredCost() throws IOException {
        String perf = Files.readString(Path.of("..", "docs", "performance.md"));
        double atRestMiB = Double.parseDouble(first(perf, "\\| server RSS at 0 / at N \\(MiB\\) \\| ([\\d.]+) /"));
        double perConnectionKiB = Double.parseDouble(first(perf, "\\| server RSS per connection \\(KiB\\) \\| \\**([\\d.]+)"));
        int cap = settings().limits().maxConnections();
        assertThat(cap).as("RTGW_MAX_CONNECTIONS bounds what the request must hold").isPositive();
        double neededMiB = atRestMiB + cap * perConnectionKiB / 1024;
        double requestMiB = mebibytes(rtgw.at("/resources/requests/memory").asText());
        assertThat(requestMiB).isGreaterThanOrEqualTo(neededMiB);
        assertThat(mebibytes(rtgw.at("/resources/limits/memory").asText())).isGreaterThanOrEqualTo(requestMiB);
    }

    @Test
    void theServiceAndTheDisruptionBudgetSelectTheDeploymentsPods() {
        JsonNode labels = pod.path("metadata").path("labels");
        assertThat(BY_KIND.get("Deployment").at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(BY_KIND.get("Service").at("/spec/selector")).isEqualTo(labels);
        JsonNode budget = BY_KIND.get("PodDisruptionBudget").path("spec");
        assertThat(budget.at("/selector/matchLabels")).isEqualTo(labels);
        assertThat(budget.path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(BY_KIND.get("Deployment").at("/spec/replicas").asInt()).isGreaterThan(1);
        assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    }

    private static JsonNode container(String name) {
        for (JsonNode c : pod.at("/spec/containers")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    /** The rtgw container's literal env values. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        rtgw.path("env").forEach(e -> env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : null));
        return env;
    }

    private static Map<String, JsonNode> secretRefs() {
        Map<String, JsonNode> refs = new HashMap<>();
        rtgw.path("env").forEach(e -> {
            if (e.has("valueFrom")) {
                refs.put(e.path("name").asText(), e.at("/valueFrom/secretKeyRef"));
            }
        });
        return refs;
    }

    /** The settings the pod starts with, as the node itself reads them (test credentials for the secret). */
    private static GatewayConfig settings() {
        Map<String, String> env = new HashMap<>(env());
        env.put("RTGW_JWT_SECRET", "k8s-manifest-test-secret-of-more-than-32-bytes");
        env.put("RTGW_API_KEY", "k8s-manifest-test-key");
        return ConfigLoader.load(null, env, false);
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("docs/performance.md: " + regex).isTrue();
        return m.group(1);
    }

    private static double mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }
}

package io.rtgw.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rtgw.metrics.Exposition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules only read metrics a live node exposes: a
 * renamed metric breaks this test instead of silently emptying a panel or muting an alert.
 */
class DashboardConfigTest {
    private static final Path DOCKER = Path.of("..", "docker");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Set<String> exposed;

    @BeforeAll
    static void scrapeALiveNode() throws Exception {
        try (RunningGateway node = new RunningGateway()) {
            exposed = Exposition.parse(node.get(node.admin("/metrics")).body()).names();
        }
    }

    @AfterAll
    static void forget() {
        exposed = null;
    }

    @Test
    void theExtractorFindsMetricNamesAndNothingElse() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate("
                + "rtgw_delivery_latency_seconds_bucket{instance=~\"$instance\",x!=\"a b\"}[$__rate_interval])))"))
                .containsExactly("rtgw_delivery_latency_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(a_total[5m])) > 3 * sum(rate(a_total[1h] offset 1d)) and b > 1e3"
                + " or c / on(job) group_left(x) d unless scalar(e)"))
                .containsExactly("a_total", "b", "c", "d", "e");
    }

    @Test
    void everyDashboardQueryReadsExposedMetrics() throws Exception {
        JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/rtgw.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("expr").forEach(n -> exprs.add(n.asText()));
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(PromQl.metricNames(e)));
        Matcher labelValues = Pattern.compile("label_values\\(\\s*(\\w+)").matcher(
                dashboard.path("templating").toString());
        while (labelValues.find()) {
            used.add(labelValues.group(1));
        }
        assertThat(exprs).hasSizeGreaterThan(20);
        assertThat(used).contains("rtgw_connections", "rtgw_messages_delivered_total",
                "rtgw_delivery_latency_seconds_bucket", "rtgw_auth_failures_total", "rtgw_parse_errors_total",
                "rtgw_send_failures_total", "rtgw_connections_closed_total", "rtgw_broker_up");
        assertThat(exposed).as("metrics exposed by a live node").containsAll(used);
    }

    @Test
    void everyAlertRuleReadsExposedMetrics() throws Exception {
        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile());
        assertThat(prometheus.path("rule_files")).isNotEmpty();
        Set<String> used = new TreeSet<>();
        int rules = 0;
        for (JsonNode file : prometheus.path("rule_files")) {
            for (JsonNode rule : YAML.readTree(DOCKER.resolve(file.asText()).toFile()).findValues("rules")) {
                for (JsonNode r : rule) {
                    used.addAll(PromQl.metricNames(r.path("expr").asText()));
                    rules++;
                }
            }
        }
        assertThat(rules).isGreaterThan(5);
        assertThat(exposed).as("metrics exposed by a live node").containsAll(used);
    }

    @Test
    void theDocumentedAlertsAreTheShippedOnes() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        Matcher block = Pattern.compile("## Suggested alerts.*?```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(block.find()).as("the alerts block of docs/operations.md").isTrue();
        assertThat(YAML.readTree(DOCKER.resolve("prometheus-alerts.yml").toFile()))
                .isEqualTo(YAML.readTree(block.group(1)));
    }
}

package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.lwm2m.provisioning.e2e.RawCoapsDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Every metric the Helm chart's alerts (PrometheusRule) and Grafana dashboard name is one the server
 * really exports: checked against the scrape of a running server after a bootstrap, a refused
 * Bootstrap-Request and an EST request (the meters that appear with their first event).
 */
class ChartMetricsTest {

    /** Series Prometheus itself makes, not the server. */
    private static final Set<String> FROM_PROMETHEUS = Set.of("up");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricTheAlertsAndTheDashboardNameIsExported() throws Exception {
        Set<String> named = new TreeSet<>();
        for (String expression : chartExpressions()) {
            named.addAll(metricNames(expression));
        }
        assertThat(named).as("metrics the chart names").contains("provisioning_database_up",
                "provisioning_bootstrap_sessions_ended_total", "provisioning_dtls_handshakes_total",
                "provisioning_bootstrap_requests_refused_total", "provisioning_certificates_expiring",
                "provisioning_import_rows_total", "provisioning_est_requests_total");

        Set<String> exported = exportedAfterTraffic();
        assertThat(named.stream().filter(name -> !exported.contains(name) && !FROM_PROMETHEUS.contains(name)).toList())
                .as("named by the chart but not exported by the server").isEmpty();
    }

    @Test
    void theExpressionReaderFindsTheMetricsAndNothingElse() {
        assertThat(metricNames("sum by (outcome) (rate(a_total{job=\"x\", b=~\"c|d\"}[$__rate_interval])) / ignoring(le) b_bucket > 0.5"
                + " and on(pod) c_up == 1")).containsExactly("a_total", "b_bucket", "c_up");
        assertThat(metricNames("label_values(d_total{namespace=\"$namespace\"}, job)")).containsExactly("d_total");
    }

    /** The PromQL of every alert, and every query of the dashboard (panels and variables). */
    private static List<String> chartExpressions() {
        String manifests = new Helm(chartDir()).template().withName("prov").withNamespace("iot").withKubeVersion("1.31.0")
                .set("serviceMonitor.enabled", true).set("prometheusRule.enabled", true).set("grafanaDashboard.enabled", true)
                .call();
        List<String> expressions = new ArrayList<>();
        for (Object loaded : new Yaml().loadAll(manifests)) {
            if (!(loaded instanceof Map<?, ?> doc)) {
                continue;
            }
            if ("PrometheusRule".equals(doc.get("kind"))) {
                for (Object group : (List<?>) ((Map<?, ?>) doc.get("spec")).get("groups")) {
                    for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                        expressions.add((String) ((Map<?, ?>) rule).get("expr"));
                    }
                }
            } else if ("ConfigMap".equals(doc.get("kind"))) {
                for (Object dashboard : ((Map<?, ?>) doc.get("data")).values()) {
                    JsonNode json = OpsServer.JSON.readTree((String) dashboard);
                    json.findValues("expr").forEach(e -> expressions.add(e.asString()));
                    json.at("/templating/list").forEach(v -> expressions.add(v.at("/query/query").asString()));
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThan(10);
        return expressions;
    }

    /**
     * The metric names in a PromQL expression: its identifiers without label matchers, ranges, strings, the label
     * lists of by/without/on/ignoring, function names (followed by a parenthesis) and keywords.
     */
    static Set<String> metricNames(String expression) {
        String bare = expression.replaceAll("label_values\\(([^,)]*)(,[^)]*)?\\)", "$1") // Grafana: the metric, not the label
                .replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$[a-zA-Z_]+", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group();
            String rest = bare.substring(identifier.end()).stripLeading();
            boolean function = rest.startsWith("(");
            boolean number = Character.isDigit(name.charAt(0));
            if (!function && !number && !PROMQL_WORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The metric names of a running server's scrape, after the traffic that makes its lazily created meters appear. */
    private static Set<String> exportedAfterTraffic() throws Exception {
        Path dataDir = OpsServer.newDataDir();
        try (OpsServer server = OpsServer.start(dataDir)) {
            String dm = OpsDevices.dmServer(server);
            OpsDevices.Registered device = OpsDevices.device(server, "PSK", dm);
            assertThat(OpsDevices.leshanBootstrap(server.coaps(), device, Duration.ofSeconds(30))).isTrue();
            try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), OpsDevices.answering(Duration.ZERO))) {
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=urn:dev:ops:somebody-else").getCode())
                        .isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(raw.get(server.coaps(), "/.well-known/est/crts", (Integer) null)).as("an EST answer").isNotNull();
            }
            String scrape = "";
            for (int attempt = 0; attempt < 50 && !scrape.contains("provisioning_est_requests_total{"); attempt++) {
                scrape = server.management("/actuator/prometheus").body();
                Thread.sleep(100);
            }
            return Prometheus.parse(scrape).keySet().stream().map(sample -> sample.replaceAll("\\{.*", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        } finally {
            OpsServer.delete(dataDir);
        }
    }

    private static Path chartDir() {
        return Stream.of(Path.of("helm/lwm2m-provisioning"), Path.of("../helm/lwm2m-provisioning"))
                .map(p -> p.toAbsolutePath().normalize()).filter(p -> Files.isRegularFile(p.resolve("Chart.yaml")))
                .findFirst().orElseThrow(() -> new IllegalStateException("helm/lwm2m-provisioning not found"));
    }
}

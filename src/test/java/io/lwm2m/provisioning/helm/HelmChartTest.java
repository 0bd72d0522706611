package io.lwm2m.provisioning.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import io.lwm2m.provisioning.testing.ToolCheck;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the Helm chart in {@code helm/lwm2m-provisioning} without a cluster: {@code helm lint --strict},
 * {@code helm template} with the default values and with every optional feature switched on, validation of
 * every rendered manifest against the Kubernetes OpenAPI schemas (and the prometheus-operator CRD schema for
 * the ServiceMonitor), rejection of bad values by {@code values.schema.json}, and concrete properties of the
 * rendered objects.
 *
 * <p>Helm is the real Go helm, run in-process through helm-java (a Maven dependency with the native library
 * per platform). The Kubernetes schemas come from the npm packages {@code kubernetes-models} and
 * {@code @kubernetes-models/prometheus-operator}, which this test installs with npm into
 * {@code target/k8s-schema} (once; later runs reuse them) and runs with node through
 * {@code src/test/resources/helm/validate-manifests.mjs}. node and npm must be on the PATH and the npm
 * registry reachable on the first run.
 */
class HelmChartTest {

  private static final String RELEASE = "prov";
  private static final String NAMESPACE = "iot";
  private static final String FULLNAME = "prov-lwm2m-provisioning";
  /** helm-java's template defaults to Kubernetes 1.20, below the chart's kubeVersion; render for a current one. */
  private static final String KUBE_VERSION = "1.31.0";
  private static final String SCHEMA_PACKAGES_MARKER = "kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0";
  private static final List<String> SCHEMA_PACKAGES = List.of(SCHEMA_PACKAGES_MARKER.split(" "));
  private static final Set<String> SENSITIVE_ENV = Set.of("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
      "SPRING_DATASOURCE_PASSWORD", "PROVISIONING_SECRETS_KEK", "PROVISIONING_SECRETS_PREVIOUS_KEKS",
      "PROVISIONING_CLUSTER_SECRET");
  private static final String VISIBLE_HOOK = "rendered-helm-hook.test/";
  /** Values that are a Kubernetes object passed through as a whole; the README documents them as one value. */
  private static final Set<String> DOCUMENTED_AS_A_WHOLE = Set.of("resources");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Path chartDir;
  private static Path targetDir;
  private static Path schemaDir;

  @BeforeAll
  static void locateChart() throws URISyntaxException {
    // target/test-classes -> target (the src module builds into the repository's top-level target/)
    targetDir = Path.of(HelmChartTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    chartDir = Stream.of(Path.of("helm/lwm2m-provisioning"), Path.of("../helm/lwm2m-provisioning"),
            targetDir.resolve("../helm/lwm2m-provisioning"))
        .map(p -> p.toAbsolutePath().normalize())
        .filter(p -> Files.isRegularFile(p.resolve("Chart.yaml")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("helm/lwm2m-provisioning not found from " + Path.of("").toAbsolutePath()));
    schemaDir = targetDir.resolve("k8s-schema");
  }

  // ---------------------------------------------------------------------------------------------- lint

  @Test
  void lintStrictPassesWithDefaultValues() {
    LintResult result = new Helm(chartDir).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void lintStrictFailsOnSchemaViolationInValuesYaml() throws IOException {
    Path copy = copyChart(targetDir.resolve("helm-chart-test/bad-chart"));
    Path values = copy.resolve("values.yaml");
    String original = Files.readString(values);
    assertThat(original).contains("\nreplicaCount: 1\n");
    Files.writeString(values, original.replace("\nreplicaCount: 1\n", "\nreplicaCount: 0\n"));

    LintResult result = new Helm(copy).lint().strict().call();
    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("replicaCount");
  }

  // ---------------------------------------------------------------------------------------------- default values

  @Test
  void defaultValuesRenderValidManifests() {
    List<Map<String, Object>> docs = render(null);

    assertThat(kinds(docs)).containsExactlyInAnyOrder("ServiceAccount", "Service", "Service", "Service", "Service",
        "StatefulSet", "PodDisruptionBudget", "Secret");
    assertValidAgainstKubernetesSchemas(docs);
    assertNoSecretMaterial(docs);

    Map<String, Object> sts = single(docs, "StatefulSet", FULLNAME);
    assertThat(at(sts, "spec.replicas")).isEqualTo(1);
    assertThat(at(sts, "spec.serviceName")).isEqualTo(FULLNAME + "-headless");

    // pod and container security contexts
    Map<String, Object> pod = map(at(sts, "spec.template.spec"));
    assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
    Map<String, Object> container = container(sts, "server");
    assertThat(at(container, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(list(at(container, "securityContext.capabilities.drop"))).containsExactly("ALL");
    assertThat(at(container, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");

    // container ports: UDP CoAP/CoAPS, TCP API, EST over HTTPS and management
    assertThat(portsByName(list(at(container, "ports")), "containerPort")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "coap", "5683/UDP", "coaps", "5684/UDP", "http", "8080/TCP", "est-https", "8443/TCP", "management", "8081/TCP"));

    // probes on the actuator endpoints of the management port
    assertThat(at(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(at(container, probe + ".httpGet.port")).as(probe).isEqualTo("management");
    }

    // env: ports and data dir; no database/KEK/cluster env without their secrets
    Map<String, Map<String, Object>> env = env(container);
    assertThat(env.get("PROVISIONING_COAP_PORT").get("value")).isEqualTo("5683");
    assertThat(env.get("PROVISIONING_COAPS_PORT").get("value")).isEqualTo("5684");
    assertThat(env.get("SERVER_PORT").get("value")).isEqualTo("8080");
    assertThat(env.get("MANAGEMENT_SERVER_PORT").get("value")).isEqualTo("8081");
    assertThat(env.get("PROVISIONING_EST_HTTPS_PORT").get("value")).isEqualTo("8443");
    assertThat(env.get("PROVISIONING_DATA_DIR").get("value")).isEqualTo("/data");
    assertThat(env.get("PROVISIONING_CA_MODE").get("value")).isEqualTo("generate");
    assertThat(env).doesNotContainKeys("SPRING_DATASOURCE_URL", "PROVISIONING_SECRETS_KEK", "PROVISIONING_CLUSTER_ENABLED",
        "PROVISIONING_CLUSTER_PORT");

    // volumes: emptyDir for /tmp, a PVC for the data dir
    assertThat(mounts(container)).containsEntry("/tmp", "tmp").containsEntry("/data", "data");
    Map<String, Object> tmp = named(list(at(pod, "volumes")), "tmp");
    assertThat(tmp).containsKey("emptyDir");
    assertThat(at(sts, "spec.volumeClaimTemplates[0].metadata.name")).isEqualTo("data");
    assertThat(at(sts, "spec.volumeClaimTemplates[0].spec.resources.requests.storage")).isEqualTo("1Gi");
    assertThat(at(container, "resources.requests.memory"))
        .as("the heap is committed from the start (decision 095): the request covers the limit, not a part of it")
        .isEqualTo(at(container, "resources.limits.memory"));
    assertThat(list(at(pod, "topologySpreadConstraints"))).hasSize(2)
        .allSatisfy(c -> assertThat(at(c, "labelSelector.matchLabels")).isEqualTo(map(at(sts, "spec.selector.matchLabels"))));

    // the first admin key: generated into the chart's own Secret, mounted read-only as a file
    Map<String, Object> adminKey = single(docs, "Secret", FULLNAME + "-admin-key");
    String key = new String(Base64.getDecoder().decode((String) at(adminKey, "data.initial-admin-key")), StandardCharsets.UTF_8);
    assertThat(key).as("an API key the server accepts").matches("bsk_[A-Za-z0-9]{43}");
    assertThat(render(null).stream().filter(d -> "Secret".equals(d.get("kind"))).map(d -> at(d, "data.initial-admin-key")))
        .as("a new key for a new release").doesNotContain(at(adminKey, "data.initial-admin-key"));
    assertThat(env.get("PROVISIONING_API_INITIAL_ADMIN_KEY_FILE").get("value"))
        .isEqualTo("/etc/lwm2m-provisioning/admin/initial-admin-key");
    assertThat(mounts(container)).containsEntry("/etc/lwm2m-provisioning/admin", "admin-key");
    Map<String, Object> adminKeyVolume = named(list(at(pod, "volumes")), "admin-key");
    assertThat(at(adminKeyVolume, "secret.secretName")).isEqualTo(FULLNAME + "-admin-key");
    assertThat(at(adminKeyVolume, "secret.defaultMode")).isEqualTo(0440);
    assertThat(env).doesNotContainKeys("PROVISIONING_API_JWT_ISSUER_URI", "PROVISIONING_API_JWT_JWK_SET_URI",
        "PROVISIONING_BOOTSTRAP_HOSTNAME");

    // Services: UDP LoadBalancer with externalTrafficPolicy Local, separate API and management ClusterIPs, headless
    Map<String, Object> coap = single(docs, "Service", FULLNAME + "-coap");
    assertThat(at(coap, "spec.type")).isEqualTo("LoadBalancer");
    assertThat(at(coap, "spec.externalTrafficPolicy")).isEqualTo("Local");
    assertThat(portsByName(list(at(coap, "spec.ports")), "port"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("coap", "5683/UDP", "coaps", "5684/UDP"));
    Map<String, Object> api = single(docs, "Service", FULLNAME + "-api");
    assertThat(at(api, "spec.type")).isEqualTo("ClusterIP");
    assertThat(portsByName(list(at(api, "spec.ports")), "port")).containsExactlyInAnyOrderEntriesOf(Map.of("http", "8080/TCP", "est-https", "8443/TCP"));
    Map<String, Object> management = single(docs, "Service", FULLNAME + "-management");
    assertThat(at(management, "spec.type")).isEqualTo("ClusterIP");
    assertThat(portsByName(list(at(management, "spec.ports")), "port"))
        .containsExactlyEntriesOf(Map.of("management", "8081/TCP"));
    Map<String, Object> headless = single(docs, "Service", FULLNAME + "-headless");
    assertThat(at(headless, "spec.clusterIP")).isEqualTo("None");
    assertThat(at(headless, "spec.publishNotReadyAddresses")).isEqualTo(true);
    for (Map<String, Object> svc : ofKind(docs, "Service")) {
      assertThat(map(at(svc, "spec.selector"))).isEqualTo(map(at(sts, "spec.selector.matchLabels")));
    }

    Map<String, Object> pdb = single(docs, "PodDisruptionBudget", FULLNAME);
    assertThat(at(pdb, "spec.maxUnavailable")).isEqualTo(1);
  }

  @Test
  void nodePortServiceWithClusterTrafficPolicyRendersValidManifests() {
    List<Map<String, Object>> docs = render(null, Map.of("service.coap.type", "NodePort",
        "service.coap.externalTrafficPolicy", "Cluster", "service.coap.nodePorts.coap", 30683,
        "persistence.enabled", false, "podDisruptionBudget.enabled", false));
    assertValidAgainstKubernetesSchemas(docs);
    assertThat(kinds(docs)).doesNotContain("PodDisruptionBudget");
    Map<String, Object> coap = single(docs, "Service", FULLNAME + "-coap");
    assertThat(at(coap, "spec.type")).isEqualTo("NodePort");
    assertThat(at(coap, "spec.externalTrafficPolicy")).isEqualTo("Cluster");
    assertThat(at(coap, "spec.ports[0].nodePort")).isEqualTo(30683);
    Map<String, Object> sts = single(docs, "StatefulSet", FULLNAME);
    assertThat(at(sts, "spec.volumeClaimTemplates")).isNull();
    assertThat(named(list(at(sts, "spec.template.spec.volumes")), "data")).containsKey("emptyDir");
  }

  @Test
  void schemaValidationCatchesBrokenManifests() {
    // guards the validator itself: a manifest the API server would reject must fail here too
    List<Map<String, Object>> docs = render(null);
    Map<String, Object> sts = single(docs, "StatefulSet", FULLNAME);
    map(list(at(sts, "spec.template.spec.containers[0].ports")).get(0)).put("containerPort", "coap");
    Map<String, Object> coap = single(docs, "Service", FULLNAME + "-coap");
    map(at(coap, "spec")).put("externalTrafficPolicy", "Sideways");
    Map<String, Object> pdb = single(docs, "PodDisruptionBudget", FULLNAME);
    map(pdb.get("spec")).remove("selector");
    map(pdb.get("spec")).put("unhealthyPodEvictionPolicy", "Never");
    Map<String, Object> monitor = new LinkedHashMap<>(Map.of("apiVersion", "monitoring.coreos.com/v1",
        "kind", "ServiceMonitor", "metadata", Map.of("name", "broken"),
        "spec", Map.of("selector", Map.of(), "endpoints", List.of(Map.of("port", "management", "scheme", "gopher")))));
    List<Map<String, Object>> broken = new ArrayList<>(docs);
    broken.add(monitor);

    Map<String, Map<String, Object>> verdicts = validateAgainstKubernetesSchemas(broken).stream()
        .collect(Collectors.toMap(v -> v.get("kind") + "/" + v.get("name"), v -> v));
    assertThat(verdicts.get("StatefulSet/" + FULLNAME)).containsEntry("ok", false);
    assertThat(verdicts.get("StatefulSet/" + FULLNAME).get("errors").toString()).contains("containerPort");
    assertThat(verdicts.get("Service/" + FULLNAME + "-coap")).containsEntry("ok", false);
    assertThat(verdicts.get("Service/" + FULLNAME + "-coap").get("errors").toString()).contains("externalTrafficPolicy");
    assertThat(verdicts.get("PodDisruptionBudget/" + FULLNAME)).containsEntry("ok", false);
    assertThat(verdicts.get("ServiceMonitor/broken")).containsEntry("ok", false);
    assertThat(verdicts.get("Service/" + FULLNAME + "-api")).containsEntry("ok", true);
  }

  // ---------------------------------------------------------------------------------------------- everything on

  @Test
  void everyOptionalFeatureRendersValidManifests() {
    List<Map<String, Object>> docs = render(chartWithVisibleHooks(), testResource("values-all-enabled.yaml"), Map.of());

    assertThat(Set.copyOf(kinds(docs))).containsExactlyInAnyOrder("ServiceAccount", "Service", "StatefulSet",
        "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor", "Job", "Ingress",
        "PrometheusRule", "ConfigMap");
    assertValidAgainstKubernetesSchemas(docs);
    assertNoSecretMaterial(docs);

    Map<String, Object> sts = single(docs, "StatefulSet", FULLNAME);
    assertThat(map(at(sts, "spec"))).as("the HPA owns the replica count").doesNotContainKey("replicas");
    assertThat(at(sts, "spec.persistentVolumeClaimRetentionPolicy.whenScaled")).isEqualTo("Delete");
    Map<String, Object> container = container(sts, "server");
    assertThat(at(container, "image")).isEqualTo("ghcr.io/lwm2m-provisioning/server:1.2.3");
    Map<String, Map<String, Object>> env = env(container);

    // database from CloudNativePG's <cluster>-app secret, JDBC URL from its jdbc-uri key
    assertSecretRef(env, "SPRING_DATASOURCE_URL", "pg-app", "jdbc-uri");
    assertSecretRef(env, "SPRING_DATASOURCE_USERNAME", "pg-app", "username");
    assertSecretRef(env, "SPRING_DATASOURCE_PASSWORD", "pg-app", "password");
    assertSecretRef(env, "PROVISIONING_SECRETS_KEK", "provisioning-kek", "kek");
    assertSecretRef(env, "PROVISIONING_SECRETS_PREVIOUS_KEKS", "provisioning-kek", "previous-keks");
    assertThat(env.get("PROVISIONING_SECRETS_KEK_VERSION").get("value")).isEqualTo("2");

    // imported CA mounted from its secret as files
    assertThat(env.get("PROVISIONING_CA_MODE").get("value")).isEqualTo("import");
    assertThat(env.get("PROVISIONING_CA_IMPORT_CHAIN").get("value")).isEqualTo("/etc/lwm2m-provisioning/ca/ca-chain.pem");
    assertThat(env.get("PROVISIONING_CA_IMPORT_KEY").get("value")).isEqualTo("/etc/lwm2m-provisioning/ca/ca-key.pem");
    assertThat(env.get("PROVISIONING_CA_PUBLIC_BASE_URL").get("value")).isEqualTo("https://pki.example.com/ca");
    assertThat(env.get("PROVISIONING_BOOTSTRAP_PUBLIC_URI").get("value")).isEqualTo("coaps://bootstrap.example.com:5684");
    assertThat(mounts(container)).containsEntry("/etc/lwm2m-provisioning/ca", "ca-import");
    Map<String, Object> caVolume = named(list(at(sts, "spec.template.spec.volumes")), "ca-import");
    assertThat(at(caVolume, "secret.secretName")).isEqualTo("provisioning-ca");

    // cluster port: ordinal from the pod name, peers through the headless Service, secret from the existing secret
    assertThat(at(env.get("POD_NAME"), "valueFrom.fieldRef.fieldPath")).isEqualTo("metadata.name");
    assertThat(env.get("PROVISIONING_CLUSTER_ENABLED").get("value")).isEqualTo("true");
    assertThat(env.get("PROVISIONING_CLUSTER_PORT").get("value")).isEqualTo("5784");
    assertThat(env.get("PROVISIONING_CLUSTER_PEERS_DNS").get("value"))
        .isEqualTo(FULLNAME + "-headless." + NAMESPACE + ".svc.cluster.local");
    assertSecretRef(env, "PROVISIONING_CLUSTER_SECRET", "provisioning-cluster", "cluster-secret");
    assertThat(portsByName(list(at(container, "ports")), "containerPort")).containsEntry("cluster", "5784/UDP");
    Map<String, Object> headless = single(docs, "Service", FULLNAME + "-headless");
    assertThat(portsByName(list(at(headless, "spec.ports")), "port")).containsExactlyEntriesOf(Map.of("cluster", "5784/UDP"));

    Map<String, Object> coap = single(docs, "Service", FULLNAME + "-coap");
    assertThat(at(coap, "spec.loadBalancerClass")).isEqualTo("service.k8s.aws/nlb");
    assertThat(at(coap, "spec.sessionAffinity")).isEqualTo("ClientIP");

    // HPA on the StatefulSet
    Map<String, Object> hpa = single(docs, "HorizontalPodAutoscaler", FULLNAME);
    assertThat(at(hpa, "spec.scaleTargetRef.kind")).isEqualTo("StatefulSet");
    assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo(FULLNAME);
    assertThat(at(hpa, "spec.minReplicas")).isEqualTo(3);
    assertThat(list(at(hpa, "spec.metrics"))).hasSize(2);
    assertThat(at(single(docs, "PodDisruptionBudget", FULLNAME), "spec.minAvailable")).isEqualTo(2);

    // NetworkPolicy
    Map<String, Object> np = single(docs, "NetworkPolicy", FULLNAME);
    List<Object> ingress = list(at(np, "spec.ingress"));
    Map<String, Object> udp = ingressFor(ingress, 5683);
    assertThat(udp).as("CoAP from anywhere").doesNotContainKey("from");
    assertThat(portsOf(udp)).containsExactlyInAnyOrder("5683/UDP", "5684/UDP");
    Map<String, Object> apiRule = ingressFor(ingress, 8080);
    assertThat(list(apiRule.get("from"))).hasSize(3);
    assertThat(at(apiRule, "from[0].namespaceSelector.matchLabels")).isEqualTo(Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
    assertThat(at(apiRule, "from[2].ipBlock.cidr")).isEqualTo("10.20.0.0/16");
    Map<String, Object> mgmtRule = ingressFor(ingress, 8081);
    assertThat(at(mgmtRule, "from[0].namespaceSelector.matchLabels")).isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
    Map<String, Object> clusterRule = ingressFor(ingress, 5784);
    assertThat(list(clusterRule.get("from"))).hasSize(1);
    assertThat(at(clusterRule, "from[0].podSelector.matchLabels")).isEqualTo(map(at(sts, "spec.selector.matchLabels")));
    List<Object> egress = list(at(np, "spec.egress"));
    Map<String, Object> pg = ingressFor(egress, 5432);
    assertThat(at(pg, "to[0].namespaceSelector.matchLabels")).isEqualTo(Map.of("kubernetes.io/metadata.name", "databases"));
    assertThat(at(pg, "to[0].podSelector.matchLabels")).isEqualTo(Map.of("cnpg.io/cluster", "pg"));
    assertThat(portsOf(ingressFor(egress, 53))).containsExactlyInAnyOrder("53/UDP", "53/TCP");

    // ServiceMonitor on the management Service
    Map<String, Object> sm = single(docs, "ServiceMonitor", FULLNAME);
    assertThat(at(sm, "metadata.namespace")).isEqualTo("monitoring");
    assertThat(at(sm, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
    assertThat(at(sm, "spec.endpoints[0].port")).isEqualTo("management");
    assertThat(at(sm, "spec.endpoints[0].path")).isEqualTo("/actuator/prometheus");
    assertThat(list(at(sm, "spec.namespaceSelector.matchNames"))).containsExactly(NAMESPACE);
    Map<String, Object> managementSvc = single(docs, "Service", FULLNAME + "-management");
    assertThat(map(at(managementSvc, "metadata.labels"))).containsAllEntriesOf(map(at(sm, "spec.selector.matchLabels")));
    for (Map<String, Object> svc : ofKind(docs, "Service")) {
      if (svc != managementSvc) {
        assertThat(map(at(svc, "metadata.labels"))).as("only the management Service is scraped")
            .doesNotContainEntry("app.kubernetes.io/component", "management");
      }
    }

    // the first admin key from an existing Secret; JWT settings; the server's public name
    assertThat(ofKind(docs, "Secret")).as("no Secret of the chart's own").isEmpty();
    assertThat(at(named(list(at(sts, "spec.template.spec.volumes")), "admin-key"), "secret.secretName"))
        .isEqualTo("provisioning-admin-key");
    assertThat(env.get("PROVISIONING_API_INITIAL_ADMIN_KEY_FILE").get("value")).isEqualTo("/etc/lwm2m-provisioning/admin/key");
    assertThat(env.get("PROVISIONING_API_JWT_ISSUER_URI").get("value")).isEqualTo("https://login.example.com/realms/iot");
    assertThat(env.get("PROVISIONING_API_JWT_JWK_SET_URI").get("value"))
        .isEqualTo("https://login.example.com/realms/iot/protocol/openid-connect/certs");
    assertThat(env.get("PROVISIONING_API_JWT_AUDIENCE").get("value")).isEqualTo("lwm2m-provisioning");
    assertThat(env.get("PROVISIONING_API_JWT_ROLES_CLAIM").get("value")).isEqualTo("groups");
    assertThat(env.get("PROVISIONING_API_JWT_SUBJECT_CLAIM").get("value")).isEqualTo("preferred_username");
    assertThat(env.get("PROVISIONING_BOOTSTRAP_HOSTNAME").get("value")).isEqualTo("bootstrap.example.com");

    // Ingress for the API and the console, to the API Service's HTTP port, with TLS
    Map<String, Object> apiIngress = single(docs, "Ingress", FULLNAME);
    assertThat(at(apiIngress, "spec.ingressClassName")).isEqualTo("nginx");
    assertThat(at(apiIngress, "spec.rules[0].host")).isEqualTo("provisioning.example.com");
    assertThat(at(apiIngress, "spec.rules[0].http.paths[0].path")).isEqualTo("/");
    assertThat(at(apiIngress, "spec.rules[0].http.paths[0].backend.service.name")).isEqualTo(FULLNAME + "-api");
    assertThat(at(apiIngress, "spec.rules[0].http.paths[0].backend.service.port.name")).isEqualTo("http");
    assertThat(at(apiIngress, "spec.tls[0].secretName")).isEqualTo("provisioning-tls");
    assertThat(at(apiIngress, "metadata.annotations")).isEqualTo(Map.of("cert-manager.io/cluster-issuer", "letsencrypt"));

    // alerts on this release's metrics, with the configured thresholds and labels
    Map<String, Object> rule = single(docs, "PrometheusRule", FULLNAME);
    assertThat(at(rule, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
    List<Map<String, Object>> alerts = list(at(rule, "spec.groups[0].rules")).stream().map(HelmChartTest::map).toList();
    assertThat(alerts.stream().map(a -> a.get("alert"))).containsExactlyInAnyOrder("ProvisioningDatabaseUnavailable",
        "ProvisioningServerDown", "ProvisioningBootstrapFailureRatioHigh", "ProvisioningDtlsHandshakeFailuresHigh",
        "ProvisioningBootstrapSourcesBlocked", "ProvisioningCertificatesExpiring", "ProvisioningImportRowsRefused");
    assertThat(alerts).allSatisfy(a -> {
      assertThat((String) a.get("expr")).contains("namespace=\"" + NAMESPACE + "\", job=\"" + FULLNAME + "-management\"");
      assertThat(at(a, "labels.team")).isEqualTo("iot");
      assertThat((String) at(a, "annotations.description")).doesNotContain("%!");
    });
    Map<String, Object> failureRatio = alerts.stream().filter(a -> a.get("alert").equals("ProvisioningBootstrapFailureRatioHigh"))
        .findFirst().orElseThrow();
    assertThat((String) failureRatio.get("expr")).contains("> 0.1");
    assertThat((String) at(failureRatio, "annotations.description")).startsWith("{{ $value | humanizePercentage }} of");

    // the Grafana dashboard for the sidecar
    Map<String, Object> dashboard = single(docs, "ConfigMap", FULLNAME + "-dashboard");
    assertThat(at(dashboard, "metadata.namespace")).isEqualTo("monitoring");
    assertThat(at(dashboard, "metadata.labels.grafana_dashboard")).isEqualTo("1");
    assertThat(at(dashboard, "metadata.annotations.grafana_folder")).isEqualTo("IoT");
    Map<String, Object> json = JSON.readValue((String) map(at(dashboard, "data")).get("lwm2m-provisioning.json"), Map.class);
    assertThat(json.get("uid")).isEqualTo("lwm2m-provisioning");
    assertThat(list(json.get("panels"))).hasSizeGreaterThan(10);

    // Flyway migration Job as a pre-install/pre-upgrade hook
    Map<String, Object> job = single(docs, "Job", FULLNAME + "-migrate");
    assertThat(map(at(job, "metadata.annotations"))).containsEntry(VISIBLE_HOOK + "hook", "pre-install,pre-upgrade")
        .containsEntry(VISIBLE_HOOK + "hook-delete-policy", "before-hook-creation,hook-succeeded");
    Map<String, Object> migrate = map(at(job, "spec.template.spec.containers[0]"));
    assertThat(list(migrate.get("args")))
        .containsExactly("--spring.main.web-application-type=none", "--provisioning.migrate-only=true");
    assertThat(at(migrate, "image")).isEqualTo("ghcr.io/lwm2m-provisioning/server:1.2.3");
    assertSecretRef(env(migrate), "SPRING_DATASOURCE_URL", "pg-app", "jdbc-uri");
    assertThat(at(migrate, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(job, "spec.template.spec.restartPolicy")).isEqualTo("Never");
    assertThat(map(at(job, "spec.template.spec"))).as("the chart's ServiceAccount does not exist yet at pre-install")
        .doesNotContainKey("serviceAccountName");
    assertThat(kinds(render(testResource("values-all-enabled.yaml")))).as("in the real chart the Job is a hook")
        .doesNotContain("Job").contains("StatefulSet");
  }

  @Test
  void notesExplainEndpointsAndWarnAboutMissingSecrets() {
    String defaults = new Helm(chartDir).install().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION).dryRun().clientOnly().call().getOutput();
    assertThat(defaults).contains("NOTES:").contains(FULLNAME + "-coap").contains("coaps://<address>:5684")
        .contains(FULLNAME + "-api." + NAMESPACE + ".svc:8080")
        .contains("kubectl get secret -n " + NAMESPACE + " " + FULLNAME + "-admin-key -o jsonpath='{.data.initial-admin-key}' | base64 -d")
        .contains("WARNING: database.existingSecret is empty").contains("WARNING: kek.existingSecret is empty")
        .contains("WARNING: ca.publicBaseUrl and bootstrap.hostname");

    String configured = new Helm(chartDir).install().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION).withValuesFile(testResource("values-all-enabled.yaml"))
        .dryRun().clientOnly().call().getOutput();
    assertThat(configured).contains("NOTES:").doesNotContain("WARNING")
        .contains("Database migrations ran in the hook Job " + FULLNAME + "-migrate")
        .contains("kubectl get secret -n " + NAMESPACE + " provisioning-admin-key -o jsonpath='{.data.key}' | base64 -d")
        .contains("Ingress: https://provisioning.example.com/").contains("JWTs from https://login.example.com/realms/iot")
        .contains("Alerts: PrometheusRule " + FULLNAME).contains("Grafana dashboard: ConfigMap " + FULLNAME + "-dashboard");
  }

  // ---------------------------------------------------------------------------------------------- bad values

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("replicaCount below 1", "replicaCount: 0\n", "'/replicaCount': minimum"),
        Arguments.of("replicaCount not an integer", "replicaCount: three\n", "'/replicaCount': got string, want integer"),
        Arguments.of("invalid externalTrafficPolicy", "service:\n  coap:\n    externalTrafficPolicy: Sideways\n",
            "'/service/coap/externalTrafficPolicy': value must be one of"),
        Arguments.of("invalid Service type", "service:\n  coap:\n    type: ExternalName\n", "'/service/coap/type'"),
        Arguments.of("inline database password", "database:\n  existingSecret: pg-app\n  password: hunter2\n",
            "'/database': additional properties 'password' not allowed"),
        Arguments.of("credentials in the plain JDBC URL",
            "database:\n  existingSecret: pg-app\n  urlKey: \"\"\n  url: jdbc:postgresql://pg:5432/app?user=app&password=hunter2\n",
            "'/database/url'"),
        Arguments.of("inline KEK", "kek:\n  value: c2VjcmV0\n", "'/kek': additional properties 'value' not allowed"),
        Arguments.of("inline cluster secret", "cluster:\n  secret: s3cr3t\n",
            "'/cluster': additional properties 'secret' not allowed"),
        Arguments.of("inline secret in extraEnv",
            "extraEnv:\n  - name: SPRING_DATASOURCE_PASSWORD\n    value: hunter2\n", "'/extraEnv/0/value'"),
        Arguments.of("container port out of range", "containerPorts:\n  coap: 70000\n", "'/containerPorts/coap': maximum"),
        Arguments.of("service port out of range", "service:\n  api:\n    port: 0\n", "'/service/api/port': minimum"),
        Arguments.of("node port out of range", "service:\n  coap:\n    nodePorts:\n      coaps: 65536\n",
            "'/service/coap/nodePorts/coaps'"),
        Arguments.of("unknown top-level key", "replicas: 2\n", "additional properties 'replicas' not allowed"),
        Arguments.of("CA import without its secret", "ca:\n  mode: import\n", "'/ca/import/existingSecret'"),
        Arguments.of("invalid CA mode", "ca:\n  mode: borrow\n", "'/ca/mode'"),
        Arguments.of("more replicas than Connection-ID node ids", "autoscaling:\n  maxReplicas: 300\n",
            "'/autoscaling/maxReplicas': maximum"),
        Arguments.of("inline admin key", "adminKey:\n  value: bsk_abc\n", "'/adminKey': additional properties 'value' not allowed"),
        Arguments.of("no admin key at all", "adminKey:\n  create: false\n", "'/adminKey/existingSecret': minLength"),
        Arguments.of("JWT issuer that is no URL", "api:\n  jwt:\n    issuerUri: login.example.com\n", "'/api/jwt/issuerUri'"),
        Arguments.of("unknown Ingress path type", "ingress:\n  enabled: true\n  hosts:\n    - host: a.example.com\n"
            + "      paths:\n        - path: /\n          pathType: Everything\n", "'/ingress/hosts/0/paths/0/pathType'"),
        Arguments.of("alert ratio above one", "prometheusRule:\n  thresholds:\n    bootstrapFailureRatio: 5\n",
            "'/prometheusRule/thresholds/bootstrapFailureRatio': maximum"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void badValuesAreRejectedByTheSchema(String description, String valuesYaml, String expectedInMessage) throws IOException {
    Path values = writeValues(description, valuesYaml);
    assertThatThrownBy(() -> render(values))
        .as(description)
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(expectedInMessage);
  }

  static Stream<Arguments> inconsistentValues() {
    return Stream.of(
        Arguments.of("replicas without the cluster port", "replicaCount: 3\n"
            + "database:\n  existingSecret: pg-app\n", "requires cluster.enabled=true"),
        Arguments.of("cluster port without its secret", "cluster:\n  enabled: true\n",
            "requires cluster.existingSecret"),
        Arguments.of("replicas with the embedded database", "replicaCount: 2\n"
            + "cluster:\n  enabled: true\n  existingSecret: c\n", "requires an external PostgreSQL"),
        Arguments.of("migrations without a database", "migrations:\n  enabled: true\n", "migrations.enabled=true requires"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inconsistentValues")
  void inconsistentValuesFailTheRenderWithAClearMessage(String description, String valuesYaml, String expected)
      throws IOException {
    Path values = writeValues(description, valuesYaml);
    assertThatThrownBy(() -> render(values)).as(description).hasMessageContaining(expected);
  }

  // ---------------------------------------------------------------------------------------------- docs and schema

  @Test
  void everyValueIsDocumentedAndCoveredByTheSchema() throws IOException {
    Map<String, Object> values = new Yaml().load(Files.readString(chartDir.resolve("values.yaml")));
    String readme = Files.readString(chartDir.resolve("README.md"));
    Set<String> paths = new LinkedHashSet<>();
    collectPaths("", values, paths);
    assertThat(paths).isNotEmpty().allSatisfy(p -> assertThat(readme).as("README documents `%s`", p).contains("`" + p + "`"));

    Map<String, Object> schema = JSON.readValue(Files.readString(chartDir.resolve("values.schema.json")), Map.class);
    assertThat(schema.get("$schema")).isEqualTo("http://json-schema.org/draft-07/schema#");
    assertThat(schema.get("additionalProperties")).isEqualTo(false);
    assertThat(map(schema.get("properties")).keySet()).containsAll(values.keySet());
    assertThat(readme).contains("jdbc-uri").contains("CloudNativePG").contains("--provisioning.migrate-only=true");
  }

  // ============================================================================================== helpers

  private static List<Map<String, Object>> render(Path valuesFile) {
    return render(valuesFile, Map.of());
  }

  private static List<Map<String, Object>> render(Path valuesFile, Map<String, Object> sets) {
    return render(chartDir, valuesFile, sets);
  }

  private static List<Map<String, Object>> render(Path chart, Path valuesFile, Map<String, Object> sets) {
    TemplateCommand template = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    String manifests = template.call();
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(manifests)) {
      if (doc != null) {
        docs.add(map(doc));
      }
    }
    assertThat(docs).isNotEmpty();
    return docs;
  }

  /**
   * helm-java's template returns the release manifest only, without hook resources (the helm CLI prints both).
   * To check the migration Job like every other object, render a copy of the chart whose {@code helm.sh/hook*}
   * annotation keys are renamed to {@value #VISIBLE_HOOK}{@code hook*}: helm then treats the Job as a plain
   * resource, and the test asserts the renamed annotations carry the hook settings.
   */
  private static Path chartWithVisibleHooks() {
    try {
      Path copy = copyChart(targetDir.resolve("helm-chart-test/visible-hooks"));
      try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
        for (Path file : templates.filter(f -> f.toString().endsWith(".yaml")).toList()) {
          Files.writeString(file, Files.readString(file).replace("helm.sh/hook", VISIBLE_HOOK + "hook"));
        }
      }
      return copy;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path writeValues(String description, String yaml) throws IOException {
    Path dir = Files.createDirectories(targetDir.resolve("helm-chart-test/values"));
    Path file = dir.resolve(description.replaceAll("[^A-Za-z0-9]+", "-") + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static Path testResource(String name) {
    try {
      return Path.of(Objects.requireNonNull(HelmChartTest.class.getResource("/helm/" + name), name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copyChart(Path destination) throws IOException {
    if (Files.exists(destination)) {
      try (Stream<Path> walk = Files.walk(destination)) {
        walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
    try (Stream<Path> walk = Files.walk(chartDir)) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        Path target = destination.resolve(chartDir.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return destination;
  }

  /** Validates all manifests with node against the schemas of the npm package kubernetes-models. */
  private static void assertValidAgainstKubernetesSchemas(List<Map<String, Object>> docs) {
    List<Map<String, Object>> verdicts = validateAgainstKubernetesSchemas(docs);
    assertThat(verdicts).allSatisfy(v -> assertThat(v.get("ok"))
        .as("%s %s %s validates against the Kubernetes schema: %s", v.get("apiVersion"), v.get("kind"), v.get("name"),
            v.get("errors"))
        .isEqualTo(true));
  }

  private static List<Map<String, Object>> validateAgainstKubernetesSchemas(List<Map<String, Object>> docs) {
    installSchemaPackages();
    String input = JSON.writeValueAsString(docs);
    ProcessResult result = run(schemaDir, input, Duration.ofSeconds(60), "node", "validate-manifests.mjs");
    assertThat(result.exitCode()).as("node validate-manifests.mjs: %s", result.output()).isZero();
    List<Map<String, Object>> verdicts = result.stdout().lines().filter(l -> l.startsWith("{"))
        .map(l -> (Map<String, Object>) JSON.readValue(l, Map.class)).toList();
    assertThat(verdicts).as("one verdict per manifest").hasSameSizeAs(docs);
    return verdicts;
  }

  private static synchronized void installSchemaPackages() {
    ToolCheck.require("node", "nodejs");
    ToolCheck.require("npm", "npm");
    try {
      Files.createDirectories(schemaDir);
      Path marker = schemaDir.resolve(".installed");
      boolean installed = Files.isRegularFile(marker) && Files.readString(marker).equals(SCHEMA_PACKAGES_MARKER)
          && Files.isDirectory(schemaDir.resolve("node_modules/kubernetes-models"));
      if (!installed) {
        Files.writeString(schemaDir.resolve("package.json"), "{\"name\":\"k8s-schema\",\"private\":true}\n");
        List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock",
            "--loglevel=error", "--prefix", schemaDir.toString()));
        command.addAll(SCHEMA_PACKAGES);
        ProcessResult npm = run(schemaDir, null, Duration.ofSeconds(240), command.toArray(String[]::new));
        if (npm.exitCode() != 0) {
          fail("npm install of the Kubernetes schema packages failed (node and npm must be installed and the npm "
              + "registry reachable): " + npm.output());
        }
        Files.writeString(marker, SCHEMA_PACKAGES_MARKER);
      }
      try (InputStream script = HelmChartTest.class.getResourceAsStream("/helm/validate-manifests.mjs")) {
        Files.copy(Objects.requireNonNull(script, "validate-manifests.mjs"), schemaDir.resolve("validate-manifests.mjs"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private record ProcessResult(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  private static ProcessResult run(Path dir, String stdin, Duration timeout, String... command) {
    try {
      Path out = Files.createTempFile(targetDir, "proc", ".out");
      Path err = Files.createTempFile(targetDir, "proc", ".err");
      try {
        Process process = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          fail(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new ProcessResult(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The only Secret the chart renders is the first admin key it generates (other secrets are only referenced), and no
   * secret value sits in plain env.
   */
  private static void assertNoSecretMaterial(List<Map<String, Object>> docs) {
    assertThat(ofKind(docs, "Secret")).allSatisfy(secret -> {
      assertThat(at(secret, "metadata.name")).isEqualTo(FULLNAME + "-admin-key");
      assertThat(map(secret.get("data")).keySet()).containsExactly("initial-admin-key");
    });
    for (Map<String, Object> doc : docs) {
      Object podSpec = "StatefulSet".equals(doc.get("kind")) || "Job".equals(doc.get("kind"))
          ? at(doc, "spec.template.spec") : null;
      if (podSpec == null) {
        continue;
      }
      for (Object c : list(at(podSpec, "containers"))) {
        env(map(c)).forEach((name, var) -> {
          if (SENSITIVE_ENV.contains(name) || name.matches("(?i).*(PASSWORD|TOKEN|_PIN|_SECRET)$")) {
            assertThat(var).as("%s comes from a Secret", name).doesNotContainKey("value");
            assertThat(at(var, "valueFrom.secretKeyRef.name")).as(name).isNotNull();
          }
        });
      }
    }
  }

  private static void assertSecretRef(Map<String, Map<String, Object>> env, String name, String secret, String key) {
    assertThat(env).containsKey(name);
    assertThat(at(env.get(name), "valueFrom.secretKeyRef.name")).as(name).isEqualTo(secret);
    assertThat(at(env.get(name), "valueFrom.secretKeyRef.key")).as(name).isEqualTo(key);
  }

  private static List<String> kinds(List<Map<String, Object>> docs) {
    return docs.stream().map(d -> (String) d.get("kind")).toList();
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> single(List<Map<String, Object>> docs, String kind, String name) {
    List<Map<String, Object>> found = ofKind(docs, kind).stream().filter(d -> name.equals(at(d, "metadata.name"))).toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  private static Map<String, Object> container(Map<String, Object> workload, String name) {
    return named(list(at(workload, "spec.template.spec.containers")), name);
  }

  private static Map<String, Object> named(List<Object> items, String name) {
    return items.stream().map(HelmChartTest::map).filter(i -> name.equals(i.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no item named " + name + " in " + items));
  }

  private static Map<String, Map<String, Object>> env(Map<String, Object> container) {
    Map<String, Map<String, Object>> env = new LinkedHashMap<>();
    Object list = container.get("env");
    if (list != null) {
      for (Object e : list(list)) {
        Map<String, Object> var = map(e);
        assertThat(env.put((String) var.get("name"), var)).as("duplicate env %s", var.get("name")).isNull();
      }
    }
    return env;
  }

  private static Map<String, String> mounts(Map<String, Object> container) {
    return list(container.get("volumeMounts")).stream().map(HelmChartTest::map)
        .collect(Collectors.toMap(m -> (String) m.get("mountPath"), m -> (String) m.get("name")));
  }

  private static Map<String, String> portsByName(List<Object> ports, String numberField) {
    return ports.stream().map(HelmChartTest::map).collect(Collectors.toMap(p -> (String) p.get("name"),
        p -> p.get(numberField) + "/" + p.get("protocol")));
  }

  /** The NetworkPolicy rule whose ports include the given port. */
  private static Map<String, Object> ingressFor(List<Object> rules, int port) {
    return rules.stream().map(HelmChartTest::map)
        .filter(r -> r.get("ports") != null && list(r.get("ports")).stream().anyMatch(p -> Objects.equals(map(p).get("port"), port)))
        .findFirst().orElseThrow(() -> new AssertionError("no rule for port " + port + " in " + rules));
  }

  private static List<String> portsOf(Map<String, Object> rule) {
    return list(rule.get("ports")).stream().map(HelmChartTest::map).map(p -> p.get("port") + "/" + p.get("protocol")).toList();
  }

  private static void collectPaths(String prefix, Map<String, Object> values, Set<String> paths) {
    values.forEach((key, value) -> {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (value instanceof Map<?, ?> m && !m.isEmpty() && !DOCUMENTED_AS_A_WHOLE.contains(path)) {
        collectPaths(path, map(m), paths);
      } else {
        paths.add(path);
      }
    });
  }

  /** Navigates maps and lists with a path like {@code spec.template.spec.containers[0].name}; null when absent. */
  private static Object at(Object root, String path) {
    Object current = root;
    for (String part : path.split("\\.")) {
      String key = part;
      Integer index = null;
      int bracket = part.indexOf('[');
      if (bracket >= 0) {
        key = part.substring(0, bracket);
        index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
      }
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
      if (index != null) {
        if (!(current instanceof List<?> l) || l.size() <= index) {
          return null;
        }
        current = l.get(index);
      }
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }
}

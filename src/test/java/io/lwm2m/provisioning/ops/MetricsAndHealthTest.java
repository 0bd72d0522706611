package io.lwm2m.provisioning.ops;

import io.lwm2m.provisioning.e2e.RawCoapsDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.est.EstHttpsConnector;
import io.lwm2m.provisioning.ca.Pem;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The actuator on its own port, without API key: health probes with the provisioning readiness
 * check, the bootstrap metrics in the Prometheus exposition after real bootstraps, and Tomcat's
 * access log for both HTTP ports.
 */
class MetricsAndHealthTest {

    private static Path dataDir;
    private static OpsServer server;

    @BeforeAll
    static void start() {
        dataDir = OpsServer.newDataDir();
        // Device certificates valid for 10 days: every one issued counts as expiring within 30 days.
        // Tomcat's access log, written at once, naming the port each request came in on.
        server = OpsServer.start(dataDir, Map.of("provisioning.ca.device-validity", "10d",
                "server.tomcat.accesslog.enabled", true, "server.tomcat.accesslog.directory", dataDir.resolve("access-log"),
                "server.tomcat.accesslog.buffered", false, "server.tomcat.accesslog.pattern", "%p %m %U %s"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        OpsServer.delete(dataDir);
    }

    @Test
    void probesAreOnTheManagementPortWithoutApiKeyAndReadinessIncludesTheProvisioningCheck() {
        assertThat(server.managementPort()).isNotEqualTo(server.apiPort());

        OpsServer.Response liveness = server.management("/actuator/health/liveness");
        assertThat(liveness.status()).as(liveness.toString()).isEqualTo(200);
        assertThat(liveness.json().get("status").asString()).isEqualTo("UP");

        OpsServer.Response readiness = server.management("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.toString()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().get("components").propertyNames()).containsExactlyInAnyOrder("readinessState", "provisioning", "db");
        assertThat(readiness.json().get("components").get("provisioning").get("status").asString()).isEqualTo("UP");

        OpsServer.Response health = server.management("/actuator/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.body()).doesNotContain("coapEndpoints"); // details stay hidden

        assertThat(server.management("/actuator/info").status()).isEqualTo(200);
        // Only what is exposed; and the API is not served on the management port (its security chain still answers /api/**).
        assertThat(server.management("/actuator/env").status()).isEqualTo(404);
        assertThat(server.management("/api/v1/devices").status()).isIn(401, 404);
        // The actuator is not on the API port.
        assertThat(server.getApi("/actuator/health").status()).isIn(401, 404);
    }

    @Test
    void theHealthIndicatorReportsWhatItChecked() {
        Health health = server.context().getBean("provisioningHealthIndicator", HealthIndicator.class).health();
        assertThat(health.getStatus().getCode()).isEqualTo("UP");
        assertThat(health.getDetails()).containsEntry("migrations", "APPLIED").containsEntry("coapEndpoints", "bound")
                .containsKey("ca");
    }

    @Test
    void bootstrapsRefusalsHandshakesAndCertificatesAreCounted() throws Exception {
        String dm = OpsDevices.dmServer(server);
        OpsDevices.Registered psk = OpsDevices.device(server, "PSK", dm);
        OpsDevices.Registered x509 = OpsDevices.device(server, "X509", dm);
        assertThat(x509.certificatePem()).isNotNull();

        assertThat(OpsDevices.leshanBootstrap(server.coaps(), psk, Duration.ofSeconds(30))).isTrue();
        // The right key, an endpoint that is not the identity's: refused with 4.00 before any session.
        try (RawCoapsDevice raw = RawCoapsDevice.psk(psk.identity(), psk.key(), OpsDevices.answering(Duration.ZERO))) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=urn:dev:ops:somebody-else").getCode())
                    .isEqualTo(ResponseCode.BAD_REQUEST);
        }
        // No cipher suite in common: the server fails the handshake with an alert.
        try (RawCoapsDevice raw = RawCoapsDevice.psk(psk.identity(), psk.key(), OpsDevices.answering(Duration.ZERO),
                List.of(CipherSuite.TLS_PSK_WITH_AES_256_CCM_8))) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + psk.endpoint())).isNull();
        }

        Map<String, Double> samples = awaitScrape(Duration.ofSeconds(10));

        assertThat(Prometheus.value(samples, "provisioning_bootstrap_sessions_started_total", "security_mode", "PSK"))
                .isEqualTo(1.0);
        assertThat(Prometheus.value(samples, "provisioning_bootstrap_sessions_ended_total",
                "outcome", "SUCCEEDED", "reason", "none", "security_mode", "PSK")).isEqualTo(1.0);
        assertThat(Prometheus.value(samples, "provisioning_bootstrap_requests_refused_total",
                "code", "4.00", "security_mode", "PSK")).isEqualTo(1.0);
        assertThat(Prometheus.value(samples, "provisioning_dtls_handshakes_total", "outcome", "success")).isEqualTo(2.0);
        assertThat(Prometheus.value(samples, "provisioning_dtls_handshakes_total", "outcome", "failure")).isGreaterThanOrEqualTo(1.0);

        assertThat(Prometheus.value(samples, "provisioning_bootstrap_session_duration_seconds_count",
                "outcome", "SUCCEEDED", "security_mode", "PSK")).isEqualTo(1.0);
        assertThat(Prometheus.value(samples, "provisioning_bootstrap_session_duration_seconds_sum",
                "outcome", "SUCCEEDED", "security_mode", "PSK")).isPositive();
        assertThat(Prometheus.value(samples, "provisioning_bootstrap_session_duration_seconds_bucket",
                "outcome", "SUCCEEDED", "security_mode", "PSK", "le", "+Inf")).isEqualTo(1.0);
        assertThat(samples.keySet()).as("a percentiles histogram has many buckets")
                .filteredOn(k -> k.startsWith("provisioning_bootstrap_session_duration_seconds_bucket{")).hasSizeGreaterThan(10);

        // The X509 device's certificate (10 days) expires within 30 days; nothing else does.
        assertThat(Prometheus.value(samples, "provisioning_certificates_expiring", "within", "30d")).isEqualTo(1.0);
        // The connection pool of the embedded PostgreSQL, from Hikari.
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("hikaricp_connections{") && k.contains("pool=\"embedded-postgres\""));

        // Cached for a minute: a second certificate does not show at once.
        OpsDevices.device(server, "X509", dm);
        assertThat(Prometheus.value(Prometheus.parse(server.management("/actuator/prometheus").body()),
                "provisioning_certificates_expiring", "within", "30d")).isEqualTo(1.0);
    }

    @Test
    void theAccessLogHasTheRequestsOfTheApiAndTheEstPort() throws Exception {
        int estPort = server.bean(EstHttpsConnector.class).address().getPort();
        assertThat(server.getApi("/api/v1/ca/certificates").status()).isEqualTo(200);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        List<X509Certificate> chain = Pem.parseCertificates(server.getApi("/api/v1/ca/certificates").body());
        anchors.setCertificateEntry("root", chain.get(chain.size() - 1));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(anchors);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpsURLConnection cacerts = (HttpsURLConnection) URI.create("https://127.0.0.1:" + estPort + "/.well-known/est/cacerts")
                .toURL().openConnection();
        cacerts.setSSLSocketFactory(tls.getSocketFactory());
        cacerts.setHostnameVerifier((name, session) -> true); // the certificate names localhost
        assertThat(cacerts.getResponseCode()).isEqualTo(200);

        List<String> expected = List.of(server.apiPort() + " GET /api/v1/ca/certificates 200",
                estPort + " GET /.well-known/est/cacerts 200");
        assertThat(awaitAccessLog(expected, Duration.ofSeconds(10))).containsAll(expected);
    }

    /**
     * Tomcat's access log valve writes a request's line after the response has gone out, so the client
     * can read its answer before the line is there: wait for the lines.
     */
    private static List<String> awaitAccessLog(List<String> expected, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = new ArrayList<>();
            try (Stream<Path> logs = Files.list(dataDir.resolve("access-log"))) {
                for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("access_log")).toList()) {
                    lines.addAll(Files.readAllLines(log));
                }
            }
            if (lines.containsAll(expected) || System.nanoTime() > until) {
                return lines;
            }
            Thread.sleep(50);
        }
    }

    /** The counters move on the CoAP and DTLS threads, right after the clients saw their answers: wait for them. */
    private static Map<String, Double> awaitScrape(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            OpsServer.Response scrape = server.management("/actuator/prometheus");
            assertThat(scrape.status()).as(scrape.toString()).isEqualTo(200);
            assertThat(scrape.contentType()).startsWith("text/plain");
            Map<String, Double> samples = Prometheus.parse(scrape.body());
            Double failures = Prometheus.value(samples, "provisioning_dtls_handshakes_total", "outcome", "failure");
            if (scrape.body().contains("provisioning_bootstrap_sessions_ended_total{")
                    && scrape.body().contains("provisioning_bootstrap_requests_refused_total{")
                    && failures != null && failures > 0 || System.nanoTime() > until) {
                return samples;
            }
            Thread.sleep(100);
        }
    }
}

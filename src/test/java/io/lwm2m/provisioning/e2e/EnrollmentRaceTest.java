package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.app.EmbeddedDatabase;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import io.lwm2m.provisioning.e2e.ZeroTouch.FactoryCertificate;
import io.lwm2m.provisioning.e2e.ZeroTouch.Manufacturer;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas on one PostgreSQL racing the first contact of the same new device (issue 17): the
 * device is created once, admitted once, counted once against its group, and both contacts are
 * answered as the device's (the one that lost the race finds the device the other created). A group
 * with room for five, raced by ten devices over both replicas, admits exactly five.
 */
class EnrollmentRaceTest {

    private static EmbeddedDatabase database;
    private static TestServer a;
    private static TestServer b;
    private static String profile;
    private static ExecutorService racers;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        TestOutput.install();
        database = EmbeddedDatabase.temporary();
        TestOutput.rememberSecret(database.password());
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        String kekText = Base64.getEncoder().encodeToString(kek);
        TestOutput.rememberSecret(kekText);
        Map<String, Object> common = new HashMap<>();
        common.put("spring.datasource.url", database.jdbcUrl());
        common.put("spring.datasource.username", database.username());
        common.put("spring.datasource.password", database.password());
        common.put("provisioning.secrets.kek", kekText);
        common.put("provisioning.enrollment.refresh-interval", "300ms");
        a = TestServer.start(TestServer.newDataDir(), common);
        b = TestServer.start(TestServer.newDataDir(), common);
        String dm = Fixtures.server(a, "coaps://127.0.0.1:9", 211, 300, "U", "PSK", true);
        profile = Fixtures.profile(a, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        racers = Executors.newFixedThreadPool(12);
    }

    @AfterAll
    static void stop() throws Exception {
        if (racers != null) {
            racers.shutdownNow();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private record Group(String name, String prefix, String key) {
    }

    private static Group symmetricGroup(String extra) throws InterruptedException {
        String name = Fixtures.unique("race");
        String prefix = Fixtures.unique("rc") + "-";
        JsonNode group = ZeroTouch.group(a, """
                {"name":"%s","attestation":{"type":"SYMMETRIC_KEY","identityPrefix":"%s"},"allocation":{"type":"STATIC","profile":"%s"}%s}"""
                .formatted(name, prefix, profile, extra));
        Thread.sleep(1000); // replica B's handshakes learn the group within its refresh interval
        return new Group(name, prefix, group.get("groupKey").asString());
    }

    /** Both replicas get the device's Bootstrap-Request at the same moment; their answers, A's first. */
    private static List<Response> race(Group group, String endpoint) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Response>> answers = new ArrayList<>();
        for (TestServer replica : List.of(a, b)) {
            answers.add(racers.submit(contact(group, endpoint, replica.coaps(), start)));
        }
        List<Response> responses = new ArrayList<>();
        for (Future<Response> answer : answers) {
            responses.add(answer.get(60, TimeUnit.SECONDS));
        }
        return responses;
    }

    private static Callable<Response> contact(Group group, String endpoint, InetSocketAddress replica, CyclicBarrier start) {
        return () -> {
            try (RawCoapsDevice device = RawCoapsDevice.psk(group.prefix() + endpoint,
                    ZeroTouch.derive(group.key(), group.prefix() + endpoint), RawCoapsDevice.silent())) {
                start.await(30, TimeUnit.SECONDS);
                return device.bootstrapRequest(replica, true, "ep=" + endpoint);
            }
        };
    }

    @Test
    void twoReplicasRacingTheFirstContactOfTheSameDeviceCreateItOnce() throws Exception {
        Group group = symmetricGroup("");
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String endpoint = Fixtures.unique("urn:dev:race");
            endpoints.add(endpoint);
            List<Response> answers = race(group, endpoint);
            assertThat(answers).as("both replicas answer the device's own Bootstrap-Request")
                    .allSatisfy(r -> assertThat(r.getCode()).isEqualTo(ResponseCode.CHANGED));
        }
        JdbcTemplate db = a.bean(JdbcTemplate.class);
        for (String endpoint : endpoints) {
            assertThat(db.queryForObject("SELECT count(*) FROM devices WHERE endpoint = ?", Long.class, endpoint)).isEqualTo(1);
            assertThat(db.queryForObject("""
                    SELECT count(*) FROM device_credentials c JOIN devices d ON d.id = c.device_id
                    WHERE d.endpoint = ? AND c.channel = 'BOOTSTRAP'""", Long.class, endpoint)).isEqualTo(1);
            assertThat(a.call("GET", "/api/v1/audit?action=device.admit&target=device:" + endpoint, null).json()).hasSize(1);
        }
        assertThat(ZeroTouch.admissions(a, group.name(), "ADMITTED")).hasSize(10);
        assertThat(ZeroTouch.admissions(a, group.name(), "REFUSED")).isEmpty();
        assertThat(a.call("GET", "/api/v1/enrollment-groups/" + group.name(), null).json().get("admitted").asInt()).isEqualTo(10);
    }

    @Test
    void aFactoryCertificateRacedOverBothReplicasIsAdmittedOnce() throws Exception {
        Manufacturer acme = Manufacturer.registered(a, "Acme Racers");
        String name = Fixtures.unique("race-x509");
        ZeroTouch.group(a, """
                {"name":"%s","attestation":{"type":"X509","manufacturerCas":["%s"]},"allocation":{"type":"STATIC","profile":"%s"}}"""
                .formatted(name, acme.name(), profile));
        Thread.sleep(1000);
        byte[] serverCertificate = Fixtures.der(a.call("GET", "/api/v1/bootstrap-server", null, null).json().get("certificateChain")
                .asString());
        String endpoint = Fixtures.unique("urn:dev:racer");
        FactoryCertificate idevid = acme.certificate(endpoint);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<LeshanDevice.Outcome>> outcomes = new ArrayList<>();
        for (TestServer replica : List.of(a, b)) {
            outcomes.add(racers.submit(() -> {
                LeshanDevice client = LeshanDevice.prepare(endpoint, Security.x509Bootstrap(LeshanDevice.uri(replica.coaps()),
                        idevid.certificate().getEncoded(), idevid.keys().getPrivate().getEncoded(), serverCertificate),
                        Flavour.LWM2M_1_1_SENML_CBOR, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8), List.of(), List.of());
                try (client) {
                    start.await(30, TimeUnit.SECONDS);
                    client.begin();
                    return client.awaitBootstrap(Duration.ofSeconds(30));
                }
            }));
        }
        for (Future<LeshanDevice.Outcome> outcome : outcomes) {
            outcome.get(90, TimeUnit.SECONDS);
        }
        assertThat(a.bean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM devices WHERE endpoint = ?", Long.class, endpoint))
                .isEqualTo(1);
        assertThat(ZeroTouch.admissions(a, name, "ADMITTED")).singleElement()
                .satisfies(x -> assertThat(x.get("endpoint").asString()).isEqualTo(endpoint));
        assertThat(a.call("GET", "/api/v1/audit?action=device.admit&target=device:" + endpoint, null).json()).hasSize(1);
    }

    @Test
    void tenDevicesRacingForFivePlacesOverBothReplicasAdmitExactlyFive() throws Exception {
        Group group = symmetricGroup(",\"deviceLimit\":5");
        CyclicBarrier start = new CyclicBarrier(10);
        List<Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String endpoint = Fixtures.unique("urn:dev:seat");
            answers.add(racers.submit(contact(group, endpoint, (i % 2 == 0 ? a : b).coaps(), start)));
        }
        int admitted = 0;
        int refused = 0;
        for (Future<Response> answer : answers) {
            ResponseCode code = answer.get(90, TimeUnit.SECONDS).getCode();
            admitted += code == ResponseCode.CHANGED ? 1 : 0;
            refused += code == ResponseCode.BAD_REQUEST ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(5);
        assertThat(refused).isEqualTo(5);
        assertThat(a.call("GET", "/api/v1/enrollment-groups/" + group.name(), null).json().get("admitted").asInt()).isEqualTo(5);
        assertThat(ZeroTouch.admissions(a, group.name(), "REFUSED")).hasSize(5)
                .allSatisfy(r -> assertThat(r.get("refusal").asString()).isEqualTo("LIMIT_REACHED"));
    }
}

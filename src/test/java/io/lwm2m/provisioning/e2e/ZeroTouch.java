package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import tools.jackson.databind.JsonNode;

/**
 * What the zero-touch tests share (issue 17): a manufacturer's CA registered through the API, factory
 * certificates it signs, enrollment groups, a device's derived key computed here with the JDK's HMAC
 * (not the server's code), and reads of what a group admitted or refused.
 */
final class ZeroTouch {

    static final SecureRandom RANDOM = new SecureRandom();

    private ZeroTouch() {
    }

    /** A manufacturer's CA, registered as a manufacturer CA under {@code name}. */
    record Manufacturer(String name, GeneratedCa ca) {

        static Manufacturer registered(TestServer server, String organisation) {
            GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, organisation + " Factory CA", organisation, Duration.ofDays(365),
                    Duration.ofDays(365), null, RANDOM);
            String name = Fixtures.unique("mca");
            TestServer.ApiResponse created = server.call("POST", "/api/v1/manufacturer-cas", "{\"name\":\"" + name
                    + "\",\"certificate\":" + TestServer.JSON.writeValueAsString(Pem.certificate(ca.issuing())) + "}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            return new Manufacturer(name, ca);
        }

        /**
         * A factory certificate (IDevID) for {@code commonName} (and, when given, an OU), valid from
         * {@code from} for {@code validity}, with a SAN URI naming the factory serial.
         */
        FactoryCertificate certificate(String commonName, String organisationalUnit, Instant from, Duration validity) {
            KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
            if (organisationalUnit == null) {
                return new FactoryCertificate(new CertificateIssuer(ca.issuing(), ca.issuingKey(), null, null, RANDOM)
                        .issue(keys.getPublic(), CertificateProfile.device(validity), commonName,
                                URI.create("urn:factory:serial:" + RANDOM.nextInt(1_000_000)), CertificateIssuer.randomSerial(RANDOM),
                                from), keys);
            }
            try {
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.issuing(), CertificateIssuer.randomSerial(RANDOM),
                        Date.from(from), Date.from(from.plus(validity)),
                        new X500Principal("CN=" + commonName + ", OU=" + organisationalUnit + ", O=Acme Devices"), keys.getPublic());
                return new FactoryCertificate(new JcaX509CertificateConverter().getCertificate(builder.build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(ca.issuingKey()))), keys);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        FactoryCertificate certificate(String commonName) {
            return certificate(commonName, null, Instant.now().minusSeconds(60), Duration.ofDays(30));
        }

        /** The CA's CRL listing {@code revoked}, as DER. */
        byte[] crl(X509Certificate... revoked) {
            try {
                Instant now = Instant.now();
                X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.issuing().getSubjectX500Principal(), Date.from(now.minusSeconds(5)))
                        .setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
                for (X509Certificate certificate : revoked) {
                    builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minusSeconds(5)), 1);
                }
                return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.issuingKey())).getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A device's factory certificate and its key pair. */
    record FactoryCertificate(X509Certificate certificate, KeyPair keys) {

        /** The certificate and key as PEM files, for libcoap's coap-client. */
        Path[] pemFiles() {
            try {
                Path dir = TestDataDirectories.create("idevid-");
                Path cert = Files.writeString(dir.resolve("idevid.pem"), Pem.certificate(certificate));
                Path key = Files.writeString(dir.resolve("idevid.key"), Pem.privateKey(keys.getPrivate()));
                Files.readAllLines(key).stream().filter(l -> !l.startsWith("-----")).forEach(TestOutput::rememberSecret);
                return new Path[] {cert, key};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Creates a group from its JSON (201 expected) and returns the answer (which holds the once-only secrets). */
    static JsonNode group(TestServer server, String json) {
        TestServer.ApiResponse created = server.call("POST", "/api/v1/enrollment-groups", json);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode group = created.json();
        if (group.has("groupKey")) {
            TestOutput.rememberSecret(group.get("groupKey").asString());
        }
        if (group.has("allocationSecret")) {
            TestOutput.rememberSecret(group.get("allocationSecret").asString());
        }
        return group;
    }

    /** HMAC-SHA256(group key, identity): a device's PSK, as the factory line computes it. */
    static byte[] derive(String groupKeyHex, String identity) {
        return derive(groupKeyHex, identity, 32);
    }

    /** The first {@code length} bytes of HMAC-SHA256(group key, identity). */
    static byte[] derive(String groupKeyHex, String identity, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(groupKeyHex), "HmacSHA256"));
            byte[] key = java.util.Arrays.copyOf(mac.doFinal(identity.getBytes(StandardCharsets.UTF_8)), length);
            TestOutput.rememberSecret(HexFormat.of().formatHex(key));
            return key;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a group's first contacts came to, newest first ({@code outcome} null: all). */
    static List<JsonNode> admissions(TestServer server, String group, String outcome) {
        TestServer.ApiResponse page = server.call("GET", "/api/v1/enrollment-groups/" + group + "/admissions"
                + (outcome == null ? "" : "?outcome=" + outcome), null);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        return page.json().valueStream().toList();
    }

    /** The device with this endpoint through the API, or null when there is none. */
    static JsonNode device(TestServer server, String endpoint) {
        TestServer.ApiResponse device = server.call("GET", "/api/v1/devices/" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8), null);
        if (device.status() == 404) {
            return null;
        }
        assertThat(device.status()).as(device.toString()).isEqualTo(200);
        return device.json();
    }

    /** The count of first contacts of {@code mechanism} that came to {@code outcome} (admitted, refused) on this server. */
    static double admissionsCounted(TestServer server, String mechanism, String outcome) {
        Counter counter = server.bean(MeterRegistry.class).find("provisioning.enrollment.admissions").tag("mechanism", mechanism)
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The count of failed handshakes for {@code reason} on this server. */
    static double handshakeFailures(TestServer server, String reason) {
        Counter counter = server.bean(MeterRegistry.class).find("provisioning.dtls.handshake.failures").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}

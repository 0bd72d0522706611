package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.TestDataDirectories;
import io.lwm2m.provisioning.testing.ToolCheck;
import io.lwm2m.provisioning.ca.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import tools.jackson.databind.JsonNode;

/** What the EST tests share: a mode-4 DM server, a profile with an EST policy, keys and CSRs made by openssl. */
final class EstSupport {

    private EstSupport() {
    }

    /** A DM server in security mode 4 (EST); its certificate is the bootstrap server's own (any certificate will do). */
    static String estServer(TestServer server, int shortServerId) {
        String certificate = Pem.certificate(Pem.parseCertificates(server.call("GET", "/api/v1/bootstrap-server", null, null)
                .json().get("certificateChain").asString()).get(0));
        String name = Fixtures.unique("dm-est");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://dm.example:5684","shortServerId":%d,"lifetime":300,"binding":"U","securityMode":"EST",
                 "serverCertificate":%s}""".formatted(name, shortServerId, TestServer.JSON.writeValueAsString(certificate)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    /** A profile with {@code server} in mode 4 and the given {@code est} policy JSON. */
    static String profile(TestServer server, String dmServer, String estJson) {
        String name = Fixtures.unique("est-profile");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/profiles", """
                {"name":"%s","definition":{"servers":[{"server":"%s"}],"est":%s}}""".formatted(name, dmServer, estJson));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
    }

    /** A device of {@code profile} with a factory PSK whose key is printable text (coap-client takes keys as text). */
    static PskDevice pskDevice(TestServer server, String profile) {
        String endpoint = Fixtures.unique("urn:dev:est");
        String identity = Fixtures.unique("est-id");
        String key = "k-" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(12));
        TestOutput.rememberSecret(key);
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","profile":"%s","bootstrapCredential":{"mode":"PSK","identity":"%s","key":"%s"}}"""
                .formatted(endpoint, profile, identity, HexFormat.of().formatHex(key.getBytes(StandardCharsets.US_ASCII))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device.of(created.json());
        return new PskDevice(endpoint, identity, key);
    }

    record PskDevice(String endpoint, String identity, String key) {
    }

    /** The certificates recorded for an endpoint, through the API. */
    static JsonNode certificates(TestServer server, String endpoint) {
        TestServer.ApiResponse list = server.call("GET", "/api/v1/certificates?endpoint="
                + java.net.URLEncoder.encode(endpoint, StandardCharsets.UTF_8), null);
        assertThat(list.status()).isEqualTo(200);
        return list.json();
    }

    /** The device's credential for {@code dmServer}, live ones, newest last. */
    static List<JsonNode> serverCredentials(TestServer server, String endpoint, String dmServer) {
        JsonNode device = server.call("GET", "/api/v1/devices/" + java.net.URLEncoder.encode(endpoint, StandardCharsets.UTF_8), null).json();
        List<JsonNode> result = new ArrayList<>();
        device.get("serverCredentials").valueStream().filter(c -> c.get("server").asString().equals(dmServer)).forEach(result::add);
        return result;
    }

    /** The certificates of a certs-only CMS message (content format 281). */
    static List<X509Certificate> certsOnly(byte[] der) {
        try {
            List<X509Certificate> result = new ArrayList<>();
            for (X509CertificateHolder holder : new CMSSignedData(der).getCertificates().getMatches(null)) {
                result.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
            return result;
        } catch (Exception e) {
            throw new AssertionError("not a certs-only message: " + e, e);
        }
    }

    /** A directory with openssl-made keys and CSRs, and the CA chain for {@code openssl verify}. */
    static final class Workbench {

        final Path dir;

        Workbench(TestServer server) {
            try {
                dir = TestDataDirectories.create("est-e2e-"); // deleted at exit: it holds test keys
                List<X509Certificate> chain = Pem.parseCertificates(server.call("GET", "/api/v1/ca/certificates", null, null).body());
                Files.writeString(dir.resolve("root.pem"), Pem.certificate(chain.get(chain.size() - 1)));
                Files.writeString(dir.resolve("untrusted.pem"), Pem.certificates(chain.subList(0, chain.size() - 1)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A new key ({@code ec:P-256}, {@code ec:P-384}, {@code ec:P-521}, {@code rsa:2048}) written to {@code name}.key. */
        Path key(String name, String type) {
            String[] spec = type.split(":");
            if (spec[0].equals("ec")) {
                openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + spec[1], "-out", name + ".key");
            } else {
                openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + spec[1], "-out", name + ".key");
            }
            Path key = dir.resolve(name + ".key");
            rememberKey(key);
            return key;
        }

        /** A DER CSR signed by {@code key} with subject CN = {@code cn}. */
        byte[] csr(Path key, String cn) {
            String out = key.getFileName() + "-" + System.nanoTime() + ".csr";
            openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + cn, "-outform", "DER", "-out", out);
            return read(out);
        }

        /** Writes a DER certificate as PEM and returns the file. */
        Path certificatePem(String name, byte[] der) {
            Path file = dir.resolve(name + ".crt.der");
            write(file, der);
            openssl("x509", "-inform", "DER", "-in", file.toString(), "-out", name + ".pem");
            return dir.resolve(name + ".pem");
        }

        /** {@code openssl verify} against our root (and intermediates): its output. */
        String verify(Path certificatePem) {
            return openssl("verify", "-CAfile", "root.pem", "-untrusted", "untrusted.pem", certificatePem.toString());
        }

        /** The public key (PEM) of a certificate, and of the key a CSR was made with, as openssl prints them. */
        String certificatePublicKey(Path certificatePem) {
            return openssl("x509", "-in", certificatePem.toString(), "-noout", "-pubkey");
        }

        String keyPublicKey(Path key) {
            return openssl("pkey", "-in", key.toString(), "-pubout");
        }

        void rememberKey(Path key) {
            try {
                Files.readAllLines(key).stream().filter(l -> !l.startsWith("-----")).forEach(TestOutput::rememberSecret);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] read(String name) {
            try {
                return Files.readAllBytes(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static void write(Path file, byte[] content) {
            try {
                Files.write(file, content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String openssl(String... args) {
            ToolCheck.require("openssl", "openssl");
            List<String> command = new ArrayList<>(List.of("openssl"));
            command.addAll(List.of(args));
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
                process.getOutputStream().close();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + output);
                }
                return output;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}

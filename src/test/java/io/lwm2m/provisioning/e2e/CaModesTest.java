package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server's CA from an imported issuing CA (PEM, PKCS#12) or with its key in an HSM (SoftHSM2
 * over PKCS#11): devices get certificates that chain to the operator's own root.
 */
class CaModesTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void anImportedPemCaSignsDeviceCertificates() throws Exception {
        GeneratedCa operatorCa = CaFactory.generate(KeyAlgorithm.EC_P256, "Operator", "Operator Ltd", Duration.ofDays(365),
                Duration.ofDays(180), null, RANDOM);
        Path dir = TestDataDirectories.create("ca-import-");
        Files.writeString(dir.resolve("chain.pem"), Pem.certificates(operatorCa.chain()));
        Files.writeString(dir.resolve("key.pem"), Pem.privateKey(operatorCa.issuingKey()));
        assertIssuesUnder(operatorCa.root(), Map.of("provisioning.ca.mode", "import",
                "provisioning.ca.import.chain", dir.resolve("chain.pem"), "provisioning.ca.import.key", dir.resolve("key.pem")));
    }

    @Test
    void anImportedPkcs12CaSignsDeviceCertificates() throws Exception {
        GeneratedCa operatorCa = CaFactory.generate(KeyAlgorithm.EC_P384, "Operator", "Operator Ltd", Duration.ofDays(365),
                Duration.ofDays(180), null, RANDOM);
        KeyStore pkcs12 = KeyStore.getInstance("PKCS12");
        pkcs12.load(null, null);
        pkcs12.setKeyEntry("issuing", operatorCa.issuingKey(), "secret".toCharArray(),
                operatorCa.chain().toArray(new Certificate[0]));
        Path file = TestDataDirectories.create("ca-p12-").resolve("ca.p12");
        try (var out = Files.newOutputStream(file)) {
            pkcs12.store(out, "secret".toCharArray());
        }
        assertIssuesUnder(operatorCa.root(), Map.of("provisioning.ca.mode", "import", "provisioning.ca.import.pkcs12", file,
                "provisioning.ca.import.pkcs12-password", "secret"));
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateStopsTheStartWithAClearError() throws Exception {
        GeneratedCa operatorCa = CaFactory.generate(KeyAlgorithm.EC_P256, "Operator", "Operator Ltd", Duration.ofDays(365),
                Duration.ofDays(180), null, RANDOM);
        GeneratedCa other = CaFactory.generate(KeyAlgorithm.EC_P256, "Other", "Other Ltd", Duration.ofDays(365),
                Duration.ofDays(180), null, RANDOM);
        Path dir = TestDataDirectories.create("ca-bad-");
        Files.writeString(dir.resolve("chain.pem"), Pem.certificates(operatorCa.chain()));
        Files.writeString(dir.resolve("key.pem"), Pem.privateKey(other.issuingKey()));
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> TestServer.start(TestServer.newDataDir(), Map.of("provisioning.ca.mode", "import",
                "provisioning.ca.import.chain", dir.resolve("chain.pem"), "provisioning.ca.import.key", dir.resolve("key.pem"))))
                .rootCause().hasMessageContaining("does not match");
        assertThatThrownBy(() -> TestServer.start(TestServer.newDataDir(), Map.of("provisioning.ca.mode", "import",
                "provisioning.ca.import.chain", dir.resolve("garbage.pem"), "provisioning.ca.import.key", dir.resolve("key.pem"))))
                .rootCause().hasMessageContaining("malformed");
    }

    @Test
    @RequiresTool(value = {"/usr/bin/softhsm2-util", "/usr/lib/softhsm/libsofthsm2.so"}, debianPackage = "softhsm2")
    void aCaKeyInsideSoftHsmSignsDeviceCertificates() throws Exception {
        Path util = Path.of("/usr/bin/softhsm2-util");
        Path library = Path.of("/usr/lib/softhsm/libsofthsm2.so");
        String label = "e2e-" + HexFormat.of().formatHex(RANDOM.generateSeed(4));
        String output = run(util.toString(), "--init-token", "--free", "--label", label, "--so-pin", "4321", "--pin", "4321");
        Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(output);
        assertThat(slot.find()).as(output).isTrue();
        String config = "name = E2E" + label.replace("-", "") + "\nlibrary = " + library + "\nslot = " + slot.group(1) + "\n";
        try {
            // The operator's offline root certifies a key generated inside the token.
            GeneratedCa root = CaFactory.generate(KeyAlgorithm.EC_P256, "HSM Operator", "Operator Ltd", Duration.ofDays(365),
                    Duration.ofDays(180), null, RANDOM);
            Provider provider = Security.getProvider("SunPKCS11").configure("--" + config);
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, "4321".toCharArray());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair hsmKeys = generator.generateKeyPair();
            X509Certificate issuing = CaFactory.certifyIssuingCa(hsmKeys.getPublic(), "HSM Operator", "Operator Ltd",
                    root.root(), root.rootKey(), Duration.ofDays(90), null, RANDOM);
            token.setKeyEntry("ca", hsmKeys.getPrivate(), null, new Certificate[] {issuing, root.root()});

            Path configFile = TestDataDirectories.create("pkcs11-").resolve("softhsm.cfg");
            Files.writeString(configFile, config);
            assertIssuesUnder(root.root(), Map.of("provisioning.ca.mode", "pkcs11", "provisioning.ca.pkcs11.config", configFile,
                    "provisioning.ca.pkcs11.pin", "4321", "provisioning.ca.pkcs11.alias", "ca"));
        } finally {
            run(util.toString(), "--delete-token", "--token", label);
        }
    }

    /** Starts a server with these CA settings, registers an X509 device, and checks its certificate with openssl. */
    private static void assertIssuesUnder(X509Certificate root, Map<String, Object> caSettings) throws Exception {
        try (TestServer server = TestServer.start(TestServer.newDataDir(), caSettings)) {
            List<String> chain = CredentialsEndToEndTest.pemBlocks(server.call("GET", "/api/v1/ca/certificates", null, null).body());
            assertThat(chain.get(chain.size() - 1).trim()).isEqualTo(Pem.certificate(root).trim());
            String dm = Fixtures.server(server, "coaps://dm.example:5684", 5, 60, "U", "PSK", true);
            JsonNode device = Fixtures.deviceWith(server, "X509", dm).created().get("bootstrapCredential");
            Path dir = TestDataDirectories.create("chain-");
            Files.writeString(dir.resolve("root.pem"), Pem.certificate(root));
            Files.writeString(dir.resolve("issuing.pem"), chain.get(0));
            Files.writeString(dir.resolve("leaf.pem"), device.get("certificate").asString());
            assertThat(CredentialsEndToEndTest.openssl("verify", "-CAfile", dir.resolve("root.pem").toString(), "-untrusted",
                    dir.resolve("issuing.pem").toString(), dir.resolve("leaf.pem").toString())).contains("OK");
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}

package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.testing.RequiresTool;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An issuing CA whose key lives in SoftHSM2, used through SunPKCS11. The token goes into SoftHSM's default token
 * directory (SunPKCS11 reads SOFTHSM2_CONF from the process environment, which a test cannot set) under a unique
 * label, and is deleted afterwards.
 */
@RequiresTool(value = {"/usr/bin/softhsm2-util", "/usr/lib/softhsm/libsofthsm2.so"}, debianPackage = "softhsm2")
@RequiresTool(value = "/usr/bin/openssl", debianPackage = "openssl")
class Pkcs11SoftHsmTest {

    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final Path SOFTHSM_UTIL = Path.of("/usr/bin/softhsm2-util");
    private static final String PIN = "1234";
    private static final String ALIAS = "issuing-ca";

    private static String tokenLabel;
    private static String config;
    private static GeneratedCa softwareRoot;

    @TempDir
    Path dir;

    @BeforeAll
    static void createTokenWithAnIssuingCaKey() throws Exception {
        tokenLabel = "ca-test-" + HexFormat.of().formatHex(TestCas.RANDOM.generateSeed(4));
        String output = softHsm("--init-token", "--free", "--label", tokenLabel, "--so-pin", PIN, "--pin", PIN);
        Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(output);
        assertThat(slot.find()).as("softhsm2-util output: %s", output).isTrue();
        config = "name = CaTest\nlibrary = " + LIBRARY + "\nslot = " + slot.group(1) + "\n";

        // The key is generated inside the token; a software root certifies it as an issuing CA.
        Provider provider = Security.getProvider("SunPKCS11").configure("--" + config);
        KeyStore token = KeyStore.getInstance("PKCS11", provider);
        token.load(null, PIN.toCharArray());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair hsmKeys = generator.generateKeyPair();
        softwareRoot = TestCas.of(KeyAlgorithm.EC_P256);
        Instant now = Instant.now();
        X509Certificate issuing = CaFactory.caCertificate(CaFactory.caName("HSM Issuing CA", "Acme Devices Ltd"),
                hsmKeys.getPublic(), 0, Certificates.subjectOf(softwareRoot.root()),
                new KeyPair(softwareRoot.root().getPublicKey(), softwareRoot.rootKey()),
                now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)), null, TestCas.RANDOM);
        token.setKeyEntry(ALIAS, hsmKeys.getPrivate(), null, new Certificate[] {issuing, softwareRoot.root()});
    }

    @AfterAll
    static void deleteToken() throws Exception {
        if (tokenLabel != null) {
            softHsm("--delete-token", "--token", tokenLabel);
        }
    }

    @Test
    void loadsTheKeyAndChainStoredUnderTheAlias() {
        Pkcs11.Pkcs11Key loaded = Pkcs11.load(config, PIN.toCharArray(), ALIAS);

        assertThat(loaded.chain()).hasSize(2);
        assertThat(loaded.chain().get(0).getSubjectX500Principal())
                .hasToString("CN=HSM Issuing CA, O=Acme Devices Ltd");
        assertThat(loaded.chain().get(1)).isEqualTo(softwareRoot.root());
        assertThat(loaded.key().getEncoded()).as("the key never leaves the token").isNull();
    }

    @Test
    void issuesADeviceCertificateThatOpensslVerifies() throws Exception {
        Pkcs11.Pkcs11Key loaded = Pkcs11.load(config, PIN.toCharArray(), ALIAS);
        CertificateIssuer issuer = new CertificateIssuer(loaded.chain().get(0), loaded.key(), loaded.provider(),
                TestCas.CRL_URL, TestCas.RANDOM);

        X509Certificate leaf = issuer.issue(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(),
                CertificateProfile.device(Duration.ofDays(7)), "hsm-device", null,
                CertificateIssuer.randomSerial(TestCas.RANDOM), Instant.now());
        OpenSsl.write(dir, "root.pem", Pem.certificate(softwareRoot.root()));
        OpenSsl.write(dir, "issuing.pem", Pem.certificate(loaded.chain().get(0)));
        OpenSsl.write(dir, "leaf.pem", Pem.certificate(leaf));

        assertThat(OpenSsl.run(dir, "verify", "-purpose", "sslclient", "-CAfile", "root.pem", "-untrusted",
                "issuing.pem", "leaf.pem").output()).isEqualTo("leaf.pem: OK\n");
    }

    @Test
    void signsCrlsWithTheTokenKey() throws Exception {
        Pkcs11.Pkcs11Key loaded = Pkcs11.load(config, PIN.toCharArray(), ALIAS);
        CertificateIssuer issuer = new CertificateIssuer(loaded.chain().get(0), loaded.key(), loaded.provider(),
                null, TestCas.RANDOM);

        issuer.crl(List.of(new RevokedEntry(BigInteger.TEN, Instant.now(), RevokedEntry.KEY_COMPROMISE)),
                BigInteger.ONE, Instant.now(), Instant.now().plus(Duration.ofDays(1)))
                .verify(loaded.chain().get(0).getPublicKey());
    }

    @Test
    void reportsAWrongPin() throws Exception {
        // PKCS#11 login is per process and SunPKCS11 skips login when already logged in: log out first.
        ((AuthProvider) Pkcs11.load(config, PIN.toCharArray(), ALIAS).provider()).logout();

        assertThatThrownBy(() -> Pkcs11.load(config, "9999".toCharArray(), ALIAS))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#11: login to the token failed: wrong PIN");
    }

    @Test
    void reportsAnUnknownAliasListingThoseThatExist() {
        assertThatThrownBy(() -> Pkcs11.load(config, PIN.toCharArray(), "no-such-key"))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("PKCS#11: the token has no private key with alias 'no-such-key'")
                .hasMessageEndingWith("aliases present: [" + ALIAS + "]");
    }

    @Test
    void acceptsTheConfigAsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pkcs11.cfg"), config);

        assertThat(Pkcs11.load(file.toString(), PIN.toCharArray(), ALIAS).chain()).hasSize(2);
    }

    private static String softHsm(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SOFTHSM_UTIL.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("softhsm2-util %s: %s", arguments[0], output).isZero();
        return output;
    }
}

package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Taking over an existing issuing CA from PEM or PKCS#12, and refusing unusable ones. */
class CaImportTest {

    private static final char[] PASSWORD = "correct horse".toCharArray();

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "RSA_2048"})
    void importsAGeneratedCaFromPemWithAPkcs8Key(KeyAlgorithm algorithm) {
        GeneratedCa ca = TestCas.of(algorithm);

        ImportedCa imported = CaFactory.importPem(Pem.certificates(ca.chain()), Pem.privateKey(ca.issuingKey()));

        assertThat(imported.chain()).containsExactly(ca.issuing(), ca.root());
        assertThat(imported.issuingKey().getEncoded()).isEqualTo(ca.issuingKey().getEncoded());
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "RSA_2048"})
    void importsAGeneratedCaFromPemWithATraditionalSec1OrPkcs1Key(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);
        String traditional = traditionalPem(ca.issuingKey());
        assertThat(traditional).startsWith(algorithm == KeyAlgorithm.EC_P256
                ? "-----BEGIN EC PRIVATE KEY-----" : "-----BEGIN RSA PRIVATE KEY-----");

        ImportedCa imported = CaFactory.importPem(Pem.certificates(ca.chain()), traditional);

        assertThat(imported.issuingKey().getAlgorithm()).isEqualTo(ca.issuingKey().getAlgorithm());
        assertThat(imported.chain()).containsExactly(ca.issuing(), ca.root());
    }

    @Test
    void importsAnIssuingCaWithoutTheCertificatesAboveIt() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        ImportedCa imported = CaFactory.importPem(Pem.certificate(ca.issuing()), Pem.privateKey(ca.issuingKey()));

        assertThat(imported.chain()).containsExactly(ca.issuing());
    }

    @Test
    void anImportedCaIssuesCertificatesThatChainToTheRoot() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P384);
        ImportedCa imported = CaFactory.importPem(Pem.certificates(ca.chain()), Pem.privateKey(ca.issuingKey()));

        X509Certificate leaf = new CertificateIssuer(imported.chain().get(0), imported.issuingKey(), null, null,
                TestCas.RANDOM).issue(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(),
                CertificateProfile.device(Duration.ofDays(1)), "d", null, BigInteger.ONE, Instant.now());

        leaf.verify(ca.issuing().getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"EC_P256", "RSA_2048"})
    void importsAPkcs12KeyEntryWithItsChain(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);

        ImportedCa imported = CaFactory.importPkcs12(pkcs12(ca.issuingKey(), ca.chain()), PASSWORD);

        assertThat(imported.chain()).containsExactly(ca.issuing(), ca.root());
        assertThat(imported.issuingKey().getAlgorithm()).isEqualTo(algorithm.name().startsWith("EC") ? "EC" : "RSA");
    }

    @Test
    void rejectsMalformedPem() {
        String garbage = "-----BEGIN CERTIFICATE-----\nthis is not base64!\n-----END CERTIFICATE-----\n";
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        assertThatThrownBy(() -> CaFactory.importPem(garbage, Pem.privateKey(ca.issuingKey())))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("CA chain: certificate PEM: block 1 is malformed");
    }

    @Test
    void rejectsTextWithoutAnyCertificate() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        assertThatThrownBy(() -> CaFactory.importPem("hello", Pem.privateKey(ca.issuingKey())))
                .isInstanceOf(CaImportException.class)
                .hasMessage("CA chain: certificate PEM contains no '-----BEGIN CERTIFICATE-----' block");
    }

    @Test
    void rejectsAMalformedPrivateKeyWithoutQuotingIt() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String keyPem = Pem.privateKey(ca.issuingKey());
        String truncated = keyPem.substring(0, 60) + "\n-----END PRIVATE KEY-----\n";

        assertNoKeyMaterial(assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(ca.chain()), truncated))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("CA private key: "), keyPem);
    }

    @Test
    void rejectsAKeyThatDoesNotMatchTheCertificate() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String otherKey = Pem.privateKey(TestCas.fresh(KeyAlgorithm.EC_P256).issuingKey());

        assertNoKeyMaterial(assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(ca.chain()), otherKey))
                .isInstanceOf(CaImportException.class)
                .hasMessage("CA private key does not match the public key of the first certificate "
                        + "(CN=Acme Issuing CA,O=Acme Devices Ltd)"), otherKey);
    }

    @Test
    void rejectsAKeyOfAnotherAlgorithmThanTheCertificate() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String rsaKey = Pem.privateKey(TestCas.of(KeyAlgorithm.RSA_2048).issuingKey());

        assertNoKeyMaterial(assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(ca.chain()), rsaKey))
                .isInstanceOf(CaImportException.class)
                .hasMessageContaining("CA private key is RSA but the certificate"), rsaKey);
    }

    @Test
    void rejectsANonCaCertificate() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        KeyPair device = KeyAlgorithm.EC_P256.generate(TestCas.RANDOM);
        X509Certificate leaf = TestCas.issuer(ca).issue(device.getPublic(),
                CertificateProfile.device(Duration.ofDays(1)), "device-1", null, BigInteger.ONE, Instant.now());

        assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(List.of(leaf, ca.issuing())),
                        Pem.privateKey(device.getPrivate())))
                .isInstanceOf(CaImportException.class)
                .hasMessage("CA certificate CN=device-1 is not a CA: basicConstraints cA=true is missing");
    }

    @Test
    void rejectsAChainWhoseSecondCertificateDidNotSignTheFirst() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        GeneratedCa stranger = CaFactory.generate(KeyAlgorithm.EC_P256, "Other", "Other Org", Duration.ofDays(10),
                Duration.ofDays(5), null, TestCas.RANDOM);

        assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(List.of(ca.issuing(), stranger.root())),
                        Pem.privateKey(ca.issuingKey())))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("CA chain: certificate 1 (CN=Acme Issuing CA,O=Acme Devices Ltd) is not "
                        + "signed by certificate 2 (CN=Other Root CA,O=Other Org)");
    }

    @Test
    void rejectsASecondCertificateWithTheRightNameButAnotherKey() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509Certificate impostorRoot = TestCas.fresh(KeyAlgorithm.EC_P256).root(); // same DN, different key

        assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(List.of(ca.issuing(), impostorRoot)),
                        Pem.privateKey(ca.issuingKey())))
                .isInstanceOf(CaImportException.class)
                .hasMessageEndingWith("the signature does not verify with that certificate's key");
    }

    @Test
    void rejectsAnExpiredIssuingCertificate() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        KeyPair keys = KeyAlgorithm.EC_P256.generate(TestCas.RANDOM);
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        X509Certificate expired = CaFactory.caCertificate(CaFactory.caName("Old Issuing CA", "Acme Devices Ltd"),
                keys.getPublic(), 0, Certificates.subjectOf(ca.root()),
                new KeyPair(ca.root().getPublicKey(), ca.rootKey()), longAgo, longAgo.plus(Duration.ofDays(30)), null,
                TestCas.RANDOM);

        assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(List.of(expired, ca.root())),
                        Pem.privateKey(keys.getPrivate())))
                .isInstanceOf(CaImportException.class)
                .hasMessage("CA chain: certificate 1 (CN=Old Issuing CA,O=Acme Devices Ltd) expired on "
                        + "2020-01-31T00:00:00Z");
    }

    @Test
    void rejectsAnEncryptedPrivateKeySayingSo() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(ca.issuingKey(), new JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new BouncyCastleProvider()).build("secret".toCharArray()));
        }

        assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(ca.chain()), pem.toString()))
                .isInstanceOf(CaImportException.class)
                .hasMessageStartingWith("CA private key: private key PEM is encrypted");
    }

    @Test
    void rejectsASec1EcKeyThatDoesNotNameItsCurve() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String withoutCurve = bcTraditionalPem(ca.issuingKey());

        assertNoKeyMaterial(assertThatThrownBy(() -> CaFactory.importPem(Pem.certificates(ca.chain()), withoutCurve))
                .isInstanceOf(CaImportException.class)
                .hasMessageContaining("the EC key does not name its curve"), withoutCurve);
    }

    @Test
    void rejectsAWrongPkcs12Password() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        byte[] pkcs12 = pkcs12(ca.issuingKey(), ca.chain());

        assertThatThrownBy(() -> CaFactory.importPkcs12(pkcs12, "wrong".toCharArray()))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#12: wrong password (the file's integrity check failed)");
    }

    @Test
    void rejectsAPkcs12WithoutAKeyEntry() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("root", ca.root());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD);

        assertThatThrownBy(() -> CaFactory.importPkcs12(out.toByteArray(), PASSWORD))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#12: the file contains no private key entry (only certificates?)");
    }

    @Test
    void rejectsBytesThatAreNotPkcs12() {
        assertThatThrownBy(() -> CaFactory.importPkcs12("not a keystore".getBytes(), PASSWORD))
                .isInstanceOf(CaImportException.class)
                .hasMessage("PKCS#12: the file is not a readable PKCS#12 keystore");
    }

    @Test
    void importedCaDoesNotPrintItsKey() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.RSA_2048);
        ImportedCa imported = CaFactory.importPem(Pem.certificates(ca.chain()), Pem.privateKey(ca.issuingKey()));

        assertThat(imported.toString()).contains("<hidden>").doesNotContain("exponent");
    }

    static byte[] pkcs12(PrivateKey key, List<X509Certificate> chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("issuing-ca", key, PASSWORD, chain.toArray(new Certificate[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD);
        return out.toByteArray();
    }

    /** OpenSSL's "traditional" format: SEC1 for EC keys, PKCS#1 for RSA keys, as openssl itself writes them. */
    static String traditionalPem(PrivateKey key) throws Exception {
        Path dir = Files.createTempDirectory("traditional-key");
        try {
            OpenSsl.write(dir, "pkcs8.pem", Pem.privateKey(key));
            OpenSsl.Result result = OpenSsl.run(dir, "pkey", "-in", "pkcs8.pem", "-traditional", "-out", "key.pem");
            assertThat(result.exitCode()).as(result.output()).isZero();
            return Files.readString(dir.resolve("key.pem"));
        } finally {
            Files.deleteIfExists(dir.resolve("pkcs8.pem"));
            Files.deleteIfExists(dir.resolve("key.pem"));
            Files.delete(dir);
        }
    }

    /** What BC's JcaPEMWriter makes of a JDK key: for EC, a SEC1 structure without the curve. */
    static String bcTraditionalPem(PrivateKey key) throws Exception {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(key);
        }
        return pem.toString();
    }

    /** No line of the key's Base64 body, nor any 16-character piece of it, appears in the messages. */
    static void assertNoKeyMaterial(AbstractThrowableAssert<?, ?> thrown, String keyPem) {
        thrown.satisfies(e -> {
            String base64 = keyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            for (Throwable t = e; t != null; t = t.getCause()) {
                String message = String.valueOf(t.getMessage());
                for (int i = 0; i + 16 <= base64.length(); i += 4) {
                    assertThat(message).doesNotContain(base64.substring(i, i + 16));
                }
            }
        });
    }
}

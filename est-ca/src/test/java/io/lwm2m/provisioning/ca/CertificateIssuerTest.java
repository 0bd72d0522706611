package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** End-entity certificates from {@link CertificateIssuer}, judged by openssl and the JDK. */
class CertificateIssuerTest {

    private static final URI ENDPOINT = URI.create("urn:imei:490154203237518");
    private static final CertificateProfile DEVICE = CertificateProfile.device(Duration.ofDays(365));
    private static final CertificateProfile SERVER = CertificateProfile.server(Duration.ofDays(90));

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslVerifiesADeviceCertificateAgainstRootAndIssuingCa(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);
        X509Certificate leaf = issue(ca, KeyAlgorithm.EC_P256.generate(TestCas.RANDOM), DEVICE);

        OpenSsl.Result result = verify(ca, leaf, "sslclient");

        assertThat(result.output()).isEqualTo("leaf.pem: OK\n");
    }

    @Test
    void opensslVerifiesAServerCertificateWithAnRsaKeyForServerUse() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509Certificate leaf = issue(ca, KeyAlgorithm.RSA_2048.generate(TestCas.RANDOM), SERVER);

        assertThat(verify(ca, leaf, "sslserver").output()).isEqualTo("leaf.pem: OK\n");
    }

    @Test
    void deviceCertificatesAreForTlsClientAuthentication() throws Exception {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.EC_P256.generate(TestCas.RANDOM),
                DEVICE);

        assertThat(text(leaf)).contains("TLS Web Client Authentication").doesNotContain("TLS Web Server");
    }

    @Test
    void serverCertificatesAreForTlsServerAuthentication() throws Exception {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.EC_P256.generate(TestCas.RANDOM),
                SERVER);

        assertThat(text(leaf)).contains("TLS Web Server Authentication").doesNotContain("TLS Web Client");
    }

    @Test
    void carriesTheSanUriAndTheCommonName() throws Exception {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.EC_P256.generate(TestCas.RANDOM),
                DEVICE);

        assertThat(text(leaf)).contains("URI:urn:imei:490154203237518").contains("Subject: CN = device-42");
    }

    @Test
    void leavesOutTheSanWhenNoUriIsGiven() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509Certificate leaf = TestCas.issuer(ca).issue(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(),
                DEVICE, "device-42", null, BigInteger.TEN, Instant.now());

        assertThat(leaf.getExtensionValue("2.5.29.17")).isNull();
    }

    @Test
    void certifiesExactlyTheSubjectKey() throws Exception {
        KeyPair subject = KeyAlgorithm.EC_P384.generate(TestCas.RANDOM);
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), subject, DEVICE);
        OpenSsl.write(dir, "leaf.pem", Pem.certificate(leaf));

        String opensslKey = OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-pubkey").output();

        assertThat(opensslKey.strip()).isEqualTo(Pem.publicKey(subject.getPublic()).strip());
    }

    @Test
    void allowsDigitalSignatureAndKeyAgreementForEcKeys() {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.EC_P256.generate(TestCas.RANDOM),
                DEVICE);

        assertThat(leaf.getKeyUsage()).containsExactly(true, false, false, false, true, false, false, false, false);
    }

    @Test
    void allowsDigitalSignatureAndKeyEnciphermentForRsaKeys() {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.RSA_2048.generate(TestCas.RANDOM),
                DEVICE);

        assertThat(leaf.getKeyUsage()).containsExactly(true, false, true, false, false, false, false, false, false);
    }

    @Test
    void isNotACaAndMarksConstraintsAndKeyUsageCritical() {
        X509Certificate leaf = issue(TestCas.of(KeyAlgorithm.EC_P256), KeyAlgorithm.EC_P256.generate(TestCas.RANDOM),
                DEVICE);

        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    }

    @Test
    void pointsAtTheIssuingCaKeyAndTheCrl() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509Certificate leaf = issue(ca, KeyAlgorithm.EC_P256.generate(TestCas.RANDOM), DEVICE);

        assertThat(CaFactoryGenerateTest.authorityKeyId(leaf)).isEqualTo(CaFactoryGenerateTest.subjectKeyId(
                ca.issuing()));
        assertThat(CaFactoryGenerateTest.subjectKeyId(leaf)).isNotEmpty();
        assertThat(CaFactoryGenerateTest.crlUrls(leaf)).containsExactly(TestCas.CRL_URL.toString());
    }

    @Test
    void validatesWithPkixUpToTheRoot() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.RSA_2048);
        X509Certificate leaf = issue(ca, KeyAlgorithm.EC_P256.generate(TestCas.RANDOM), DEVICE);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        parameters.setRevocationEnabled(false);

        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(leaf, ca.issuing())), parameters);
    }

    @Test
    void startsFiveMinutesBeforeNowAndLastsTheProfileValidity() {
        Instant now = Instant.parse("2030-01-01T12:00:00Z");
        X509Certificate leaf = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256)).issue(
                KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(), DEVICE, "device-42", null,
                BigInteger.TWO, now);

        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(Instant.parse("2030-01-01T11:55:00Z"));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(Instant.parse("2031-01-01T12:00:00Z"));
    }

    @Test
    void endsNoLaterThanTheIssuingCa() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        Instant now = ca.issuing().getNotAfter().toInstant().minus(Duration.ofDays(10));

        X509Certificate leaf = TestCas.issuer(ca).issue(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(),
                DEVICE, "device-42", null, BigInteger.TWO, now);

        assertThat(leaf.getNotAfter()).isEqualTo(ca.issuing().getNotAfter());
    }

    @Test
    void refusesToIssueOnceTheIssuingCaHasExpired() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        Instant later = ca.issuing().getNotAfter().toInstant().plusSeconds(1);

        assertThatIllegalStateException().isThrownBy(() -> TestCas.issuer(ca).issue(
                        KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(), DEVICE, "d", null, BigInteger.TWO,
                        later))
                .withMessageContaining("expired");
    }

    @Test
    void usesTheGivenSerial() {
        BigInteger serial = new BigInteger("0123456789abcdef0123456789abcdef", 16);
        X509Certificate leaf = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256)).issue(
                KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(), DEVICE, "d", null, serial, Instant.now());

        assertThat(leaf.getSerialNumber()).isEqualTo(serial);
    }

    /**
     * What a record and an enrollment's answer read from a certificate as built, without the JDK's
     * parse, is what the JDK reads from it, for names that RFC 2253 must escape too.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"device-42", "acme, \"plant\" 7+line=3", "gerät #5; <ü>", " lead"})
    void aCertificateAsBuiltReadsAsTheJdkReadsIt(String commonName) throws Exception {
        BigInteger serial = CertificateIssuer.randomSerial(TestCas.RANDOM);
        BuiltCertificate built = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256)).build(
                KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(), DEVICE, commonName, ENDPOINT, serial, Instant.now());

        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(built.der()));

        assertThat(built.serialNumber()).isEqualTo(serial).isEqualTo(parsed.getSerialNumber());
        assertThat(built.subject()).isEqualTo(parsed.getSubjectX500Principal().getName());
        assertThat(built.notBefore()).isEqualTo(parsed.getNotBefore().toInstant());
        assertThat(built.notAfter()).isEqualTo(parsed.getNotAfter().toInstant());
        assertThat(built.x509()).isEqualTo(parsed).isSameAs(built.x509());
        assertThat(BuiltCertificate.of(parsed).der()).isEqualTo(built.der());
        BuiltCertificate fromRecord = BuiltCertificate.ofDer(built.der());
        assertThat(fromRecord.subject()).isEqualTo(built.subject());
        assertThat(fromRecord.serialNumber()).isEqualTo(serial);
        assertThat(fromRecord.x509()).isEqualTo(parsed);
    }

    @Test
    void aRecordThatIsNoCertificateIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> BuiltCertificate.ofDer(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
                .withMessageContaining("not a DER X.509 certificate");
    }

    @Test
    void rejectsANonPositiveSerial() {
        CertificateIssuer issuer = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256));

        assertThatIllegalArgumentException().isThrownBy(() -> issuer.issue(
                        KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPublic(), DEVICE, "d", null, BigInteger.ZERO,
                        Instant.now()))
                .withMessage("serial must be a positive number of at most 20 octets, not 0");
    }

    @Test
    void rejectsAnEndEntityCertificateAsIssuer() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        KeyPair device = KeyAlgorithm.EC_P256.generate(TestCas.RANDOM);
        X509Certificate leaf = issue(ca, device, DEVICE);

        assertThatIllegalArgumentException().isThrownBy(() -> new CertificateIssuer(leaf, device.getPrivate(), null,
                        null, TestCas.RANDOM))
                .withMessageContaining("is not a CA");
    }

    @Test
    void makesUniquePositiveSerialsOfAtMost128Bits() {
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            BigInteger serial = CertificateIssuer.randomSerial(TestCas.RANDOM);
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
            serials.add(serial);
        }

        assertThat(serials).hasSize(1000);
    }

    private static X509Certificate issue(GeneratedCa ca, KeyPair subject, CertificateProfile profile) {
        return TestCas.issuer(ca).issue(subject.getPublic(), profile, "device-42", ENDPOINT,
                CertificateIssuer.randomSerial(TestCas.RANDOM), Instant.now());
    }

    private OpenSsl.Result verify(GeneratedCa ca, X509Certificate leaf, String purpose) throws Exception {
        OpenSsl.write(dir, "root.pem", Pem.certificate(ca.root()));
        OpenSsl.write(dir, "issuing.pem", Pem.certificate(ca.issuing()));
        OpenSsl.write(dir, "leaf.pem", Pem.certificate(leaf));
        return OpenSsl.run(dir, "verify", "-purpose", purpose, "-CAfile", "root.pem", "-untrusted", "issuing.pem",
                "leaf.pem");
    }

    private String text(X509Certificate leaf) throws Exception {
        OpenSsl.write(dir, "leaf.pem", Pem.certificate(leaf));
        return OpenSsl.run(dir, "x509", "-in", "leaf.pem", "-noout", "-text").output();
    }
}

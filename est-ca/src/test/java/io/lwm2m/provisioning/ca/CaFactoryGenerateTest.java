package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The root and issuing CA that {@link CaFactory#generate} creates. */
class CaFactoryGenerateTest {

    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_KEY_ID = "2.5.29.14";
    private static final String AUTHORITY_KEY_ID = "2.5.29.35";
    private static final String CRL_DISTRIBUTION_POINTS = "2.5.29.31";

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void issuingCaValidatesAgainstTheRootWithPkix(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        parameters.setRevocationEnabled(false);

        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(ca.issuing())), parameters);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void bothCertificatesCarryKeysOfTheRequestedAlgorithm(KeyAlgorithm algorithm) {
        GeneratedCa ca = TestCas.of(algorithm);

        assertThat(KeyAlgorithm.of(ca.root().getPublicKey())).isEqualTo(algorithm);
        assertThat(KeyAlgorithm.of(ca.issuing().getPublicKey())).isEqualTo(algorithm);
        assertThat(ca.root().getSigAlgName()).isEqualToIgnoringCase(algorithm.signatureAlgorithm());
        assertThat(ca.issuing().getSigAlgName()).isEqualToIgnoringCase(algorithm.signatureAlgorithm());
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void rootIsASelfSignedCaWithCriticalConstraintsAndKeyUsage(KeyAlgorithm algorithm) throws Exception {
        X509Certificate root = TestCas.of(algorithm).root();

        root.verify(root.getPublicKey());
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(root.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(root.getNonCriticalExtensionOIDs()).containsExactly(SUBJECT_KEY_ID);
        assertThat(root.getKeyUsage()).containsExactly(
                false, false, false, false, false, true, true, false, false);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void issuingCaHasPathLengthZeroAndPointsAtTheRootAndTheCrl(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);
        X509Certificate issuing = ca.issuing();

        assertThat(issuing.getBasicConstraints()).isZero();
        assertThat(issuing.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(issuing.getNonCriticalExtensionOIDs())
                .containsExactlyInAnyOrder(SUBJECT_KEY_ID, AUTHORITY_KEY_ID, CRL_DISTRIBUTION_POINTS);
        assertThat(issuing.getKeyUsage()).containsExactly(
                false, false, false, false, false, true, true, false, false);
        assertThat(authorityKeyId(issuing)).isEqualTo(subjectKeyId(ca.root()));
        assertThat(crlUrls(issuing)).containsExactly(TestCas.CRL_URL.toString());
    }

    @Test
    void namesRootAndIssuingCaAfterNameAndOrganization() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        assertThat(ca.root().getSubjectX500Principal()).hasToString("CN=Acme Root CA, O=Acme Devices Ltd");
        assertThat(ca.root().getIssuerX500Principal()).isEqualTo(ca.root().getSubjectX500Principal());
        assertThat(ca.issuing().getSubjectX500Principal()).hasToString("CN=Acme Issuing CA, O=Acme Devices Ltd");
        assertThat(ca.issuing().getIssuerX500Principal()).isEqualTo(ca.root().getSubjectX500Principal());
    }

    @Test
    void keepsCommasInTheNameInsideTheCommonName() {
        GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme, Inc", "Acme", Duration.ofDays(10),
                Duration.ofDays(5), null, TestCas.RANDOM);

        assertThat(ca.root().getSubjectX500Principal()).hasToString("CN=\"Acme, Inc Root CA\", O=Acme");
    }

    @Test
    void leavesOutTheCrlDistributionPointWhenNoUrlIsGiven() {
        GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", "Acme", Duration.ofDays(10),
                Duration.ofDays(5), null, TestCas.RANDOM);

        assertThat(ca.issuing().getExtensionValue(CRL_DISTRIBUTION_POINTS)).isNull();
    }

    @Test
    void givesEachCertificateItsValidityBackdatedForClockSkew() {
        Instant before = Instant.now();
        GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", "Acme", Duration.ofDays(100),
                Duration.ofDays(30), null, TestCas.RANDOM);
        Instant after = Instant.now();

        assertThat(ca.root().getNotBefore().toInstant()).isBetween(
                before.minus(Duration.ofMinutes(5)).minusSeconds(1), after.minus(Duration.ofMinutes(5)));
        assertThat(ca.root().getNotAfter().toInstant()).isBetween(
                before.plus(Duration.ofDays(100)).minusSeconds(1), after.plus(Duration.ofDays(100)));
        assertThat(ca.issuing().getNotAfter().toInstant()).isBetween(
                before.plus(Duration.ofDays(30)).minusSeconds(1), after.plus(Duration.ofDays(30)));
    }

    @Test
    void neverLetsTheIssuingCaOutliveTheRoot() {
        GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", "Acme", Duration.ofDays(10),
                Duration.ofDays(50), null, TestCas.RANDOM);

        assertThat(ca.issuing().getNotAfter()).isEqualTo(ca.root().getNotAfter());
    }

    @Test
    void returnsTheChainIssuingFirst() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        assertThat(ca.chain()).containsExactly(ca.issuing(), ca.root());
    }

    @Test
    void doesNotPrintKeysInToString() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.RSA_2048);

        assertThat(ca.toString()).contains("Acme Root CA").contains("<hidden>")
                .doesNotContain(ca.rootKey().toString()).doesNotContain(ca.issuingKey().toString())
                .doesNotContain("exponent");
    }

    @Test
    void rejectsANonPositiveValidityNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", "Acme",
                        Duration.ZERO, Duration.ofDays(1), null, TestCas.RANDOM))
                .withMessage("rootValidity must be a positive duration, not PT0S");
    }

    @Test
    void rejectsABlankOrganizationNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", " ",
                        Duration.ofDays(2), Duration.ofDays(1), null, TestCas.RANDOM))
                .withMessage("organization must not be blank");
    }

    static byte[] subjectKeyId(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(SUBJECT_KEY_ID);
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets()).getKeyIdentifier();
    }

    static byte[] authorityKeyId(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(AUTHORITY_KEY_ID);
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(value).getOctets())
                .getKeyIdentifierOctets();
    }

    static List<String> crlUrls(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(CRL_DISTRIBUTION_POINTS);
        CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(value).getOctets());
        return Arrays.stream(points.getDistributionPoints())
                .flatMap(p -> Arrays.stream(GeneralNames.getInstance(p.getDistributionPoint().getName())
                        .getNames()))
                .filter(n -> n.getTagNo() == GeneralName.uniformResourceIdentifier)
                .map(n -> n.getName().toString())
                .toList();
    }
}

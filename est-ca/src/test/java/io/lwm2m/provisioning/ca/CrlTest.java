package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CRLs signed by the issuing CA. */
class CrlTest {

    private static final Instant THIS_UPDATE = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant NEXT_UPDATE = Instant.parse("2030-01-08T00:00:00Z");
    private static final BigInteger FIRST = new BigInteger("0A1B2C3D4E5F", 16);
    private static final BigInteger SECOND = new BigInteger("ff00112233445566778899aabbccddee", 16);
    private static final List<RevokedEntry> REVOKED = List.of(
            new RevokedEntry(FIRST, Instant.parse("2029-12-30T10:00:00Z"), RevokedEntry.KEY_COMPROMISE),
            new RevokedEntry(SECOND, Instant.parse("2029-12-31T10:00:00Z"), RevokedEntry.SUPERSEDED));

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void verifiesWithTheIssuingCaKey(KeyAlgorithm algorithm) throws Exception {
        GeneratedCa ca = TestCas.of(algorithm);

        X509CRL crl = TestCas.issuer(ca).crl(REVOKED, BigInteger.ONE, THIS_UPDATE, NEXT_UPDATE);

        crl.verify(ca.issuing().getPublicKey());
    }

    @Test
    void doesNotVerifyWithTheRootKey() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509CRL crl = TestCas.issuer(ca).crl(REVOKED, BigInteger.ONE, THIS_UPDATE, NEXT_UPDATE);

        assertThatThrownBy(() -> crl.verify(ca.root().getPublicKey()))
                .isInstanceOf(SignatureException.class);
    }

    @Test
    void opensslListsEachRevokedSerialWithItsReason() throws Exception {
        X509CRL crl = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256)).crl(REVOKED, BigInteger.ONE, THIS_UPDATE,
                NEXT_UPDATE);
        Files.write(dir.resolve("crl.der"), crl.getEncoded());

        String text = OpenSsl.run(dir, "crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text").output();

        assertThat(text).containsSubsequence(
                "Serial Number: 0A1B2C3D4E5F", "Key Compromise",
                "Serial Number: FF00112233445566778899AABBCCDDEE", "Superseded");
    }

    @Test
    void opensslVerifiesThePemCrlAgainstTheIssuingCa() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.RSA_2048);
        X509CRL crl = TestCas.issuer(ca).crl(REVOKED, BigInteger.ONE, THIS_UPDATE, NEXT_UPDATE);
        OpenSsl.write(dir, "crl.pem", Pem.crl(crl));
        OpenSsl.write(dir, "issuing.pem", Pem.certificate(ca.issuing()));

        OpenSsl.Result result = OpenSsl.run(dir, "crl", "-in", "crl.pem", "-CAfile", "issuing.pem", "-noout");

        assertThat(result.output()).contains("verify OK");
    }

    @Test
    void carriesCrlNumberAuthorityKeyIdAndUpdateTimes() throws Exception {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509CRL crl = TestCas.issuer(ca).crl(REVOKED, BigInteger.valueOf(42), THIS_UPDATE, NEXT_UPDATE);
        OpenSsl.write(dir, "crl.pem", Pem.crl(crl));

        String text = OpenSsl.run(dir, "crl", "-in", "crl.pem", "-noout", "-text").output();

        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.issuing().getSubjectX500Principal());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(THIS_UPDATE);
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NEXT_UPDATE);
        assertThat(text).contains("X509v3 CRL Number: \n                42")
                .contains("X509v3 Authority Key Identifier");
    }

    @Test
    void recordsRevocationDatesPerEntry() {
        X509CRL crl = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256)).crl(REVOKED, BigInteger.ONE, THIS_UPDATE,
                NEXT_UPDATE);

        assertThat(crl.getRevokedCertificate(FIRST).getRevocationDate().toInstant())
                .isEqualTo(Instant.parse("2029-12-30T10:00:00Z"));
    }

    @Test
    void makesAnEmptyCrlWhenNothingIsRevoked() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        X509CRL crl = TestCas.issuer(ca).crl(List.of(), BigInteger.ONE, THIS_UPDATE, NEXT_UPDATE);

        assertThat(crl.getRevokedCertificates()).isNull();
    }

    @Test
    void rejectsANextUpdateThatIsNotAfterThisUpdate() {
        CertificateIssuer issuer = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256));

        assertThatIllegalArgumentException().isThrownBy(() -> issuer.crl(REVOKED, BigInteger.ONE, THIS_UPDATE,
                        THIS_UPDATE))
                .withMessage("nextUpdate 2030-01-01T00:00:00Z must be after thisUpdate 2030-01-01T00:00:00Z");
    }

    @Test
    void rejectsASerialListedTwice() {
        CertificateIssuer issuer = TestCas.issuer(TestCas.of(KeyAlgorithm.EC_P256));
        List<RevokedEntry> twice = List.of(REVOKED.get(0), REVOKED.get(0));

        assertThatIllegalArgumentException().isThrownBy(() -> issuer.crl(twice, BigInteger.ONE, THIS_UPDATE,
                        NEXT_UPDATE))
                .withMessage("revoked serial a1b2c3d4e5f is listed twice");
    }

    @Test
    void revokedEntriesRejectReasonCodesOutsideRfc5280() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RevokedEntry(FIRST, THIS_UPDATE, 7))
                .withMessage("revocation reason of serial a1b2c3d4e5f: 7 is not an RFC 5280 CRLReason "
                        + "(0..10 except 7)");
    }
}

package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM encoding and decoding. */
class PemTest {

    @TempDir
    Path dir;

    @Test
    void parsesBcSec1EcKeysAsJdkEcKeys() throws Exception {
        KeyPair bcPair = bcEcKeyPair();
        assertThat(bcPair.getPrivate().getAlgorithm()).isEqualTo("ECDSA");

        PrivateKey parsed = Pem.parsePrivateKey(CaImportTest.bcTraditionalPem(bcPair.getPrivate()));

        assertThat(parsed.getAlgorithm()).isEqualTo("EC");
        assertThat(parsed.getClass().getName()).startsWith("sun.security.");
    }

    @Test
    void parsesBcPkcs8EcKeysAsJdkEcKeys() throws Exception {
        KeyPair bcPair = bcEcKeyPair();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(bcPair.getPrivate(), null));
        }

        assertThat(Pem.parsePrivateKey(pem.toString()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void roundTripsPrivateKeysAsPkcs8() {
        PrivateKey key = KeyAlgorithm.EC_P384.generate(TestCas.RANDOM).getPrivate();
        String pem = Pem.privateKey(key);

        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Pem.parsePrivateKey(pem).getEncoded()).isEqualTo(key.getEncoded());
    }

    @Test
    void roundTripsPublicKeys() {
        KeyPair pair = KeyAlgorithm.RSA_2048.generate(TestCas.RANDOM);
        String pem = Pem.publicKey(pair.getPublic());

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Pem.parsePublicKey(pem)).isEqualTo(pair.getPublic());
    }

    @Test
    void opensslReadsOurPrivateKeyPem() throws Exception {
        OpenSsl.write(dir, "key.pem", Pem.privateKey(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPrivate()));

        OpenSsl.Result result = OpenSsl.run(dir, "pkey", "-in", "key.pem", "-noout", "-text");

        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("NIST CURVE: P-256");
    }

    @Test
    void roundTripsCertificateChainsInOrder() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);

        assertThat(Pem.parseCertificates(Pem.certificates(ca.chain()))).containsExactly(ca.issuing(), ca.root());
    }

    @Test
    void ignoresTextAroundCertificateBlocks() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String withComments = "subject=CN = Acme Issuing CA\n" + Pem.certificate(ca.issuing()) + "\nbag attributes\n";

        assertThat(Pem.parseCertificates(withComments)).containsExactly(ca.issuing());
    }

    @Test
    void rejectsAPrivateKeyWhereCertificatesAreExpectedWithoutQuotingIt() {
        String keyPem = Pem.privateKey(KeyAlgorithm.EC_P256.generate(TestCas.RANDOM).getPrivate());

        assertThatIllegalArgumentException().isThrownBy(() -> Pem.parseCertificates(keyPem))
                .withMessage("certificate PEM: block 1 is a private key, expected a CERTIFICATE");
    }

    @Test
    void rejectsGarbageCertificates() {
        assertThatIllegalArgumentException().isThrownBy(() -> Pem.parseCertificates(
                        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .withMessageStartingWith("certificate PEM: block 1 is malformed");
    }

    @Test
    void rejectsTextWithoutAPrivateKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> Pem.parsePrivateKey("nothing here"))
                .withMessage("private key PEM contains no 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY' block");
    }

    @Test
    void writesCrlsAsX509CrlBlocks() {
        GeneratedCa ca = TestCas.of(KeyAlgorithm.EC_P256);
        String pem = Pem.crl(TestCas.issuer(ca).crl(List.of(), BigInteger.ONE, Instant.now(),
                Instant.now().plusSeconds(60)));

        assertThat(pem).startsWith("-----BEGIN X509 CRL-----\n").endsWith("-----END X509 CRL-----\n");
    }

    private static KeyPair bcEcKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("ECDSA", new BouncyCastleProvider());
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}

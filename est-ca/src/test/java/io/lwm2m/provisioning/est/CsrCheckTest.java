package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrCheckTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String EP = "urn:dev:ops:1";
    private static final KeyPair P256 = KeyAlgorithm.EC_P256.generate(RANDOM);

    private static byte[] csr(KeyPair keys, String subject, ExtensionsGenerator extensions) throws Exception {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), keys.getPublic());
        if (extensions != null) {
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        String algorithm = keys.getPublic() instanceof java.security.interfaces.RSAKey ? "SHA256withRSA" : "SHA256withECDSA";
        return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())).getEncoded();
    }

    private static String rule(Runnable check) {
        try {
            check.run();
        } catch (EstException e) {
            return e.rule();
        }
        return "passed";
    }

    @Test
    void acceptsAWellFormedCsrNamingTheEndpoint() throws Exception {
        ExtensionsGenerator san = new ExtensionsGenerator();
        san.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, EP)));
        CsrCheck.VerifiedCsr csr = CsrCheck.verify(csr(P256, "CN=" + EP, san));
        assertThat(csr.commonNames()).containsExactly(EP);
        assertThat(csr.sanUris()).containsExactly(EP);
        CsrCheck.checkSubject(csr, EP, EP);
        assertThat(CsrCheck.checkKeyType(csr, EstPolicy.DEFAULT)).isEqualTo(KeyAlgorithm.EC_P256);
    }

    @Test
    void rejectsMalformedTruncatedAndTrailingBytes() throws Exception {
        byte[] good = csr(P256, "CN=" + EP, null);
        assertThat(rule(() -> CsrCheck.verify(new byte[0]))).isEqualTo("csr.malformed");
        assertThat(rule(() -> CsrCheck.verify("garbage".getBytes()))).isEqualTo("csr.malformed");
        assertThat(rule(() -> CsrCheck.verify(Arrays.copyOf(good, good.length - 10)))).isEqualTo("csr.malformed");
        assertThat(rule(() -> CsrCheck.verify(Arrays.copyOf(good, good.length + 2)))).isEqualTo("csr.malformed");
    }

    @Test
    void rejectsABadSignature() throws Exception {
        byte[] forged = csr(P256, "CN=" + EP, null);
        forged[forged.length - 3] ^= 1;
        assertThat(rule(() -> CsrCheck.verify(forged))).isEqualTo("csr.signature");
    }

    @Test
    void rejectsAnEcPointOffTheCurveAsABadRequest() throws Exception {
        byte[] csr = csr(P256, "CN=" + EP, null);
        byte[] spki = P256.getPublic().getEncoded();
        byte[] point = Arrays.copyOfRange(spki, spki.length - 65, spki.length);
        int at = indexOf(csr, point);
        assertThat(at).as("the CSR carries the key's point").isPositive();
        csr[at + 64] ^= 1; // the last byte of y: (x, y') is not on P-256
        // Malformed whichever provider parses EC keys (SunEC accepts the point, Bouncy Castle's does not).
        assertThat(rule(() -> CsrCheck.verify(csr))).isEqualTo("csr.malformed");
    }

    private static int indexOf(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void rejectsASubjectNamingAnotherEndpoint() throws Exception {
        CsrCheck.VerifiedCsr other = CsrCheck.verify(csr(P256, "CN=urn:dev:ops:2", null));
        assertThat(rule(() -> CsrCheck.checkSubject(other, EP, EP))).isEqualTo("csr.subject");
        CsrCheck.VerifiedCsr none = CsrCheck.verify(csr(P256, "O=Acme", null));
        assertThat(rule(() -> CsrCheck.checkSubject(none, EP, EP))).isEqualTo("csr.subject");
    }

    @Test
    void rejectsKeyTypesThePolicyDoesNotAllow() throws Exception {
        EstPolicy p256Only = EstPolicy.parse(Map.of("keyTypes", java.util.List.of("P-256"))).defaults();
        CsrCheck.VerifiedCsr p384 = CsrCheck.verify(csr(KeyAlgorithm.EC_P384.generate(RANDOM), "CN=" + EP, null));
        assertThat(rule(() -> CsrCheck.checkKeyType(p384, p256Only))).isEqualTo("csr.key-type");
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp521r1"));
        CsrCheck.VerifiedCsr p521 = CsrCheck.verify(csr(generator.generateKeyPair(), "CN=" + EP, null));
        assertThat(rule(() -> CsrCheck.checkKeyType(p521, EstPolicy.DEFAULT))).isEqualTo("csr.key-type");
    }

    @Test
    void rejectsUnexpectedExtensionsAndCaRequests() throws Exception {
        ExtensionsGenerator ca = new ExtensionsGenerator();
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        assertThatThrownBy(() -> CsrCheck.verify(csr(P256, "CN=" + EP, ca))).isInstanceOf(EstException.class)
                .matches(e -> ((EstException) e).status() == EstException.Status.FORBIDDEN);
        ExtensionsGenerator policies = new ExtensionsGenerator();
        policies.addExtension(Extension.nameConstraints, true, new org.bouncycastle.asn1.DERSequence());
        assertThat(rule(() -> {
            try {
                CsrCheck.verify(csr(P256, "CN=" + EP, policies));
            } catch (EstException e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })).isEqualTo("csr.extension");
    }
}

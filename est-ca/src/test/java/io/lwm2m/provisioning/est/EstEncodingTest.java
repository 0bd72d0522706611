package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.est.CSRAttributesResponse;
import org.junit.jupiter.api.Test;

class EstEncodingTest {

    /** An enrollment's answer from the certificate as built is the one from the JDK's parse of it, byte for byte. */
    @Test
    void certsOnlyOfACertificateAsBuiltIsThatOfTheJdksCertificate() throws Exception {
        SecureRandom random = new SecureRandom();
        GeneratedCa ca = CaFactory.generate(KeyAlgorithm.EC_P256, "Acme", "Acme Devices Ltd", Duration.ofDays(30),
                Duration.ofDays(20), null, random);
        BuiltCertificate built = new CertificateIssuer(ca.issuing(), ca.issuingKey(), null, null, random).build(
                KeyAlgorithm.EC_P256.generate(random).getPublic(), CertificateProfile.device(Duration.ofDays(10)), "device-7",
                URI.create("urn:dev:7"), CertificateIssuer.randomSerial(random), Instant.now());

        byte[] answer = EstEncoding.certsOnly(built);

        assertThat(answer).isEqualTo(EstEncoding.certsOnly(List.of(built.x509())));
        assertThat(new CMSSignedData(answer).getCertificates().getMatches(null)).containsExactly(built.holder());
    }

    @Test
    void multipartCoreIsACborArrayOfFormatAndBytesPairs() {
        byte[] encoded = EstEncoding.multipartCore(284, new byte[] {1, 2}, 281, new byte[300]);
        assertThat(encoded[0] & 0xff).isEqualTo(0x84);
        assertThat(new byte[] {encoded[1], encoded[2], encoded[3]}).containsExactly(0x19, 0x01, 0x1c); // 284
        assertThat(new byte[] {encoded[4], encoded[5], encoded[6]}).containsExactly(0x42, 1, 2); // h'0102'
        assertThat(new byte[] {encoded[7], encoded[8], encoded[9]}).containsExactly(0x19, 0x01, 0x19); // 281
        assertThat(new byte[] {encoded[10], encoded[11], encoded[12]}).containsExactly(0x59, 0x01, 0x2c); // 300 bytes follow
        assertThat(encoded).hasSize(13 + 300);
    }

    @Test
    void multipartCoreWritesFourByteLengthsForLargeParts() {
        byte[] key = new byte[70_000];
        Arrays.fill(key, (byte) 0x5A);

        byte[] encoded = EstEncoding.multipartCore(284, key, 287, new byte[] {7});

        // h'…' of 70,000 bytes: major type 2 with a 4-byte argument, 0x00011170.
        assertThat(Arrays.copyOfRange(encoded, 4, 9)).containsExactly(0x5a, 0x00, 0x01, 0x11, 0x70);
        assertThat(encoded).hasSize(1 + 3 + 5 + key.length + 3 + 2);
    }

    @Test
    void multipartCoreIsReadByAnIndependentCborDecoderAtEveryLengthBoundary() {
        for (int length : new int[] {0, 23, 24, 255, 256, 65_535, 65_536}) {
            byte[] part = new byte[length];
            Arrays.fill(part, (byte) length);

            CBORObject decoded = CBORObject.DecodeFromBytes(EstEncoding.multipartCore(284, part, 281, new byte[] {1}));

            assertThat(decoded.size()).isEqualTo(4);
            assertThat(decoded.get(0).AsInt32Value()).isEqualTo(284);
            assertThat(decoded.get(1).GetByteString()).as("part of %d bytes", length).isEqualTo(part);
            assertThat(decoded.get(2).AsInt32Value()).isEqualTo(281);
            assertThat(decoded.get(3).GetByteString()).containsExactly(1);
        }
    }

    @Test
    void csrAttributesAreReadByBouncyCastlesEstClient() throws Exception {
        byte[] der = EstEncoding.csrAttributes("urn:dev:1", "urn:dev:1", Set.of(KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048));
        CSRAttributesResponse response = new CSRAttributesResponse(CsrAttrs.getInstance(der));
        assertThat(response.getRequirements()).contains(X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.ecdsa_with_SHA256,
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption);
        assertThat(response.isAttribute(X9ObjectIdentifiers.id_ecPublicKey)).isTrue();
    }
}

package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.util.Set;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.est.CSRAttributesResponse;
import org.junit.jupiter.api.Test;

class EstEncodingTest {

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
    void csrAttributesAreReadByBouncyCastlesEstClient() throws Exception {
        byte[] der = EstEncoding.csrAttributes("urn:dev:1", "urn:dev:1", Set.of(KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048));
        CSRAttributesResponse response = new CSRAttributesResponse(CsrAttrs.getInstance(der));
        assertThat(response.getRequirements()).contains(X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.ecdsa_with_SHA256,
                org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption);
        assertThat(response.isAttribute(X9ObjectIdentifiers.id_ecPublicKey)).isTrue();
    }
}

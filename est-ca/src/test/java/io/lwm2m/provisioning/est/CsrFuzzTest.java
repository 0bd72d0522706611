package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the PKCS#10 reader every EST enrollment goes through ({@code /sen}, {@code /sren},
 * {@code /skg} over CoAP, {@code simpleenroll} over HTTPS). Invariant: any bytes are either a CSR
 * whose signature verified or an {@link EstException} (4.00/4.03 with a diagnostic), never another
 * exception, which the endpoints would have to answer with 5.00.
 */
class CsrFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyBytesAreAVerifiedCsrOrARefusal(byte[] der) {
        try {
            CsrCheck.VerifiedCsr csr = CsrCheck.verify(der);
            assertThat(csr.publicKey()).isNotNull();
        } catch (EstException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}

package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.security.Security;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CsrFuzzTest}'s invariant on the path the server takes when BoringSSL's arithmetic is installed
 * (as it is wherever it loads): the CSR's signature is checked through the JCA, not Bouncy Castle's
 * verifiers, so its exceptions are others.
 */
class CsrNativeFuzzTest {

    @BeforeAll
    static void installNativeArithmetic() {
        Security.removeProvider(EllipticCurveProvider.NAME);
        assertThat(EllipticCurveProvider.install(EllipticCurveProvider.Arithmetic.NATIVE))
                .isEqualTo(EllipticCurveProvider.Arithmetic.NATIVE);
    }

    /** The module's other tests run with the JDK's providers, whatever the order. */
    @AfterAll
    static void uninstall() {
        Security.removeProvider(EllipticCurveProvider.NAME);
    }

    @FuzzTest(maxDuration = "5s")
    void anyBytesAreAVerifiedCsrOrARefusalOnBoringSsl(byte[] der) {
        assertThat(EllipticCurveProvider.nativeInstalled()).isTrue();
        try {
            CsrCheck.VerifiedCsr csr = CsrCheck.verify(der);
            assertThat(csr.publicKey()).isNotNull();
        } catch (EstException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}

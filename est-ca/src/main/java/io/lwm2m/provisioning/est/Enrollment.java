package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.ca.BuiltCertificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The answer to an enrollment: the issued certificate (with the server-generated private key for
 * skg/serverkeygen, PKCS#8 DER, never stored), or "pending, ask again after {@code retryAfter}".
 *
 * @param chain the CA chain, issuing CA first
 */
public record Enrollment(BuiltCertificate certificate, byte[] privateKey, List<X509Certificate> chain, Duration retryAfter) {

    public static Enrollment pending(Duration retryAfter) {
        return new Enrollment(null, null, List.of(), retryAfter);
    }

    public boolean isPending() {
        return certificate == null;
    }

    @Override
    public String toString() {
        return isPending() ? "Enrollment[pending " + retryAfter + "]"
                : "Enrollment[" + certificate.serialNumber().toString(16) + (privateKey != null ? ", with key" : "") + "]";
    }
}

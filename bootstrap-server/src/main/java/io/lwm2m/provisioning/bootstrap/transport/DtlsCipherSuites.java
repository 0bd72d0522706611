package io.lwm2m.provisioning.bootstrap.transport;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The DTLS 1.2 cipher suites the bootstrap server offers, in the server's order of preference
 * (Scandium picks the first of this list the client offers): {@code provisioning.coaps.cipher-suites}.
 *
 * <p>The default holds every suite LwM2M Transport 1.1 §5.2.8 makes mandatory for a server, PSK
 * {@code TLS_PSK_WITH_AES_128_CCM_8} and {@code TLS_PSK_WITH_AES_128_CBC_SHA256}, certificates
 * {@code TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8} and {@code TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256},
 * plus the AEAD suites clients in the field ask for (GCM: Zephyr; ECDHE-PSK: Leshan's and Anjay's
 * clients). The CBC suites come last in each family, so only a client that offers nothing better
 * gets one (modems such as Quectel BC66 offer only CBC). Scandium has no encrypt-then-MAC (RFC
 * 7366): CBC records are MAC-then-encrypt (ADR 020).
 */
@ConfigurationProperties("provisioning.coaps")
public record DtlsCipherSuites(List<CipherSuite> cipherSuites) {

    static final List<CipherSuite> DEFAULT = List.of(
            CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA378,
            CipherSuite.TLS_PSK_WITH_AES_128_CCM,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256);

    public DtlsCipherSuites {
        cipherSuites = cipherSuites == null || cipherSuites.isEmpty() ? DEFAULT : List.copyOf(cipherSuites);
        List<String> unusable = new ArrayList<>();
        for (CipherSuite suite : cipherSuites) {
            if (!suite.isValidForNegotiation() || !suite.isSupported()) {
                unusable.add(suite.name());
            }
        }
        if (!unusable.isEmpty()) {
            throw new IllegalArgumentException("provisioning.coaps.cipher-suites: " + unusable
                    + " cannot be negotiated with this JVM's cryptography; supported: " + CipherSuite.getCipherSuites(false, true));
        }
        if (cipherSuites.stream().noneMatch(CipherSuite::isPskBased)
                || cipherSuites.stream().noneMatch(CipherSuite::requiresServerCertificateMessage)) {
            throw new IllegalArgumentException("provisioning.coaps.cipher-suites must hold at least one PSK and one"
                    + " certificate (ECDHE_ECDSA) suite: devices bootstrap with PSK, RPK and X.509 credentials");
        }
    }
}

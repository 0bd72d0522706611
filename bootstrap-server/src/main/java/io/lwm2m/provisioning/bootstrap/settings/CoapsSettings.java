package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.coaps.*}: the DTLS 1.2 endpoint (README, Configuration; ADRs 015, 018, 020).
 *
 * @param port                 CoAP over DTLS port (0: a free one)
 * @param maxConnections       DTLS connections kept (also the cap on recent handshakes)
 * @param staleConnectionAfter a full store evicts a connection idle this long for a new handshake
 * @param closeAfterSession    an ended session's connection is closed once the device is quiet this long (negative: never)
 * @param cipherSuites         the suites offered, in the server's order of preference
 */
@ConfigurationProperties("provisioning.coaps")
public record CoapsSettings(
        @DefaultValue("5684") int port,
        @DefaultValue("100000") int maxConnections,
        @DefaultValue("60s") Duration staleConnectionAfter,
        @DefaultValue("5s") Duration closeAfterSession,
        List<CipherSuite> cipherSuites) {

    /**
     * Every suite LwM2M Transport 1.1 §5.2.8 makes mandatory for a server, PSK
     * {@code TLS_PSK_WITH_AES_128_CCM_8} and {@code TLS_PSK_WITH_AES_128_CBC_SHA256}, certificates
     * {@code TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8} and {@code TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256},
     * plus the AEAD suites clients in the field ask for (GCM: Zephyr; ECDHE-PSK: Leshan's and Anjay's
     * clients). Scandium picks the first suite of this list the client offers, so the CBC suites come
     * last in each family: only a client that offers nothing better gets one (ADR 020).
     */
    public static final List<CipherSuite> DEFAULT_CIPHER_SUITES = List.of(
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

    public CoapsSettings {
        Settings.port("provisioning.coaps.port", port);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("provisioning.coaps.max-connections must be at least 1, not " + maxConnections);
        }
        Settings.positive("provisioning.coaps.stale-connection-after", staleConnectionAfter);
        cipherSuites = cipherSuites == null || cipherSuites.isEmpty() ? DEFAULT_CIPHER_SUITES : List.copyOf(cipherSuites);
        checkCipherSuites(cipherSuites);
    }

    private static void checkCipherSuites(List<CipherSuite> suites) {
        List<String> unusable = new ArrayList<>();
        for (CipherSuite suite : suites) {
            if (!suite.isValidForNegotiation() || !suite.isSupported()) {
                unusable.add(suite.name());
            }
        }
        if (!unusable.isEmpty()) {
            throw new IllegalArgumentException("provisioning.coaps.cipher-suites: " + unusable
                    + " cannot be negotiated with this JVM's cryptography; supported: " + CipherSuite.getCipherSuites(false, true));
        }
        if (suites.stream().noneMatch(CipherSuite::isPskBased) || suites.stream().noneMatch(CipherSuite::requiresServerCertificateMessage)) {
            throw new IllegalArgumentException("provisioning.coaps.cipher-suites must hold at least one PSK and one"
                    + " certificate (ECDHE_ECDSA) suite: devices bootstrap with PSK, RPK and X.509 credentials");
        }
    }
}

package io.lwm2m.provisioning.ca;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Generated CAs shared between tests: they are immutable, and RSA-3072 generation is slow. */
final class TestCas {

    static final SecureRandom RANDOM = new SecureRandom();
    static final URI CRL_URL = URI.create("http://ca.example.com/issuing.crl");
    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    static final Duration ISSUING_VALIDITY = Duration.ofDays(1825);

    private static final Map<KeyAlgorithm, GeneratedCa> CACHE = new EnumMap<>(KeyAlgorithm.class);

    private TestCas() {
    }

    static synchronized GeneratedCa of(KeyAlgorithm algorithm) {
        return CACHE.computeIfAbsent(algorithm, TestCas::fresh);
    }

    static GeneratedCa fresh(KeyAlgorithm algorithm) {
        return CaFactory.generate(algorithm, "Acme", "Acme Devices Ltd", ROOT_VALIDITY, ISSUING_VALIDITY, CRL_URL,
                RANDOM);
    }

    static CertificateIssuer issuer(GeneratedCa ca) {
        return new CertificateIssuer(ca.issuing(), ca.issuingKey(), null, CRL_URL, RANDOM);
    }
}

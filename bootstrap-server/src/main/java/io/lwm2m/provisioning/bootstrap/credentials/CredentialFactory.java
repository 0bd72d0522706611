package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import java.security.KeyPair;
import java.security.SecureRandom;
import org.springframework.stereotype.Component;

/**
 * Generates the credential a device gets for one channel: PSK identity and key; an EC P-256 key
 * pair for RPK; a key pair and a certificate from our CA (CN = endpoint) for X509.
 */
@Component
public class CredentialFactory {

    private final RandomSecrets secrets;
    private final SecureRandom random;
    private final CertificateAuthorityService ca;

    CredentialFactory(RandomSecrets secrets, SecureRandom random, CertificateAuthorityService ca) {
        this.secrets = secrets;
        this.random = random;
        this.ca = ca;
    }

    public NewCredential generate(SecurityMode mode, String endpoint, String requestedBy) {
        return switch (mode) {
            case PSK -> new NewCredential(mode, secrets.pskIdentity(), secrets.pskKey(), null, null);
            case RPK -> new NewCredential(mode, null, null, KeyAlgorithm.EC_P256.generate(random), null);
            case X509 -> {
                KeyPair keyPair = KeyAlgorithm.EC_P256.generate(random);
                yield new NewCredential(mode, null, null, keyPair,
                        ca.issue(keyPair.getPublic(), CertificateProfile.Purpose.DEVICE, endpoint, endpoint, requestedBy));
            }
            case NOSEC, EST -> new NewCredential(mode, null, null, null, null);
        };
    }

    /** A factory certificate (IDevID) from a registered manufacturer CA: nothing to generate or store. */
    public static NewCredential factoryCertificate() {
        return new NewCredential(SecurityMode.X509, null, null, null, null);
    }

    /** A PSK the factory injected into the device. */
    public static NewCredential suppliedPsk(String identity, byte[] key) {
        return new NewCredential(SecurityMode.PSK, identity, key, null, null);
    }
}

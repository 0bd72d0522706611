package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Who the DTLS handshake authenticated: a PSK identity, a raw public key (SubjectPublicKeyInfo
 * DER), or an X.509 certificate.
 *
 * @param credentialId the bootstrap credential the handshake matched, when the handshake says so
 *                     (PSK handshakes do); null means look it up by the identity
 */
public record ClientIdentity(SecurityMode mode, String pskIdentity, byte[] publicKey, X509Certificate certificate,
        Long credentialId) {

    public static ClientIdentity psk(String identity) {
        return psk(identity, null);
    }

    public static ClientIdentity psk(String identity, Long credentialId) {
        return new ClientIdentity(SecurityMode.PSK, identity, null, null, credentialId);
    }

    public static ClientIdentity rpk(byte[] subjectPublicKeyInfo) {
        return new ClientIdentity(SecurityMode.RPK, null, subjectPublicKeyInfo, null, null);
    }

    public static ClientIdentity x509(X509Certificate certificate) {
        return new ClientIdentity(SecurityMode.X509, null, certificate.getPublicKey().getEncoded(), certificate, null);
    }

    /** How session records and audit events name it: the PSK identity, a key fingerprint, or the certificate. */
    public String describe() {
        return switch (mode) {
            case PSK -> pskIdentity;
            case RPK -> "rpk:sha256:" + fingerprint(publicKey);
            case X509 -> certificate.getSubjectX500Principal().getName() + " serial:" + certificate.getSerialNumber().toString(16);
            default -> mode.name();
        };
    }

    static String fingerprint(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ClientIdentity[" + describe() + "]";
    }
}

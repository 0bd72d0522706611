package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * Who the DTLS handshake authenticated: a PSK identity, a raw public key (SubjectPublicKeyInfo
 * DER), or an X.509 certificate.
 *
 * @param credentialId the bootstrap credential the handshake matched, when the handshake says so
 *                     (PSK handshakes do); null means look it up by the identity
 * @param chain        for X509: the certificate chain the client sent, its own certificate first
 */
public record ClientIdentity(SecurityMode mode, String pskIdentity, byte[] publicKey, X509Certificate certificate,
        Long credentialId, List<X509Certificate> chain) {

    public ClientIdentity {
        chain = chain == null ? List.of() : List.copyOf(chain);
    }

    public static ClientIdentity psk(String identity) {
        return psk(identity, null);
    }

    public static ClientIdentity psk(String identity, Long credentialId) {
        return new ClientIdentity(SecurityMode.PSK, identity, null, null, credentialId, null);
    }

    public static ClientIdentity rpk(byte[] subjectPublicKeyInfo) {
        return rpk(subjectPublicKeyInfo, null);
    }

    public static ClientIdentity rpk(byte[] subjectPublicKeyInfo, Long credentialId) {
        return new ClientIdentity(SecurityMode.RPK, null, subjectPublicKeyInfo, null, credentialId, null);
    }

    public static ClientIdentity x509(X509Certificate certificate) {
        return x509(List.of(certificate));
    }

    /** A client certificate with the chain it came with (its own first, then intermediates). */
    public static ClientIdentity x509(List<X509Certificate> chain) {
        return x509(chain, null);
    }

    /** @param credentialId the bootstrap credential the handshake matched, or null */
    public static ClientIdentity x509(List<X509Certificate> chain, Long credentialId) {
        X509Certificate certificate = chain.get(0);
        return new ClientIdentity(SecurityMode.X509, null, certificate.getPublicKey().getEncoded(), certificate, credentialId, chain);
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

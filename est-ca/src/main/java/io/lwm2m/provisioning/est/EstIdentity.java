package io.lwm2m.provisioning.est;

import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * Who the transport (DTLS or TLS) authenticated before an EST request: a certificate chain (the
 * client's own certificate first), a PSK identity, a raw public key, or nobody.
 *
 * @param peer the client's address, for audit records
 */
public record EstIdentity(Kind kind, List<X509Certificate> certificates, String pskIdentity, byte[] publicKey, String peer) {

    public enum Kind { CERTIFICATE, PSK, RPK, NONE }

    public EstIdentity {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    public static EstIdentity certificate(List<X509Certificate> chain, String peer) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate identity needs the client's certificate");
        }
        return new EstIdentity(Kind.CERTIFICATE, chain, null, null, peer);
    }

    public static EstIdentity psk(String identity, String peer) {
        return new EstIdentity(Kind.PSK, null, identity, null, peer);
    }

    /** A raw public key (SubjectPublicKeyInfo DER). */
    public static EstIdentity rpk(byte[] subjectPublicKeyInfo, String peer) {
        return new EstIdentity(Kind.RPK, null, null, subjectPublicKeyInfo.clone(), peer);
    }

    public static EstIdentity none(String peer) {
        return new EstIdentity(Kind.NONE, null, null, null, peer);
    }

    /** The client's own certificate; null unless {@link Kind#CERTIFICATE}. */
    public X509Certificate certificate() {
        return certificates.isEmpty() ? null : certificates.get(0);
    }

    /** How audit records name it (never a secret: a PSK identity is public, the key is not here). */
    public String describe() {
        return switch (kind) {
            case CERTIFICATE -> "cert:" + certificate().getSerialNumber().toString(16);
            case PSK -> "psk:" + pskIdentity;
            case RPK -> "rpk:" + HexFormat.of().formatHex(publicKey, Math.max(0, publicKey.length - 8), publicKey.length);
            case NONE -> "anonymous";
        };
    }

    @Override
    public String toString() {
        return "EstIdentity[" + describe() + " from " + peer + "]";
    }
}

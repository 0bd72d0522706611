package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.security.KeyPair;
import java.security.cert.X509Certificate;

/**
 * Credential material just generated (or supplied by a factory), before it is sealed and stored:
 * a PSK identity and key, or a key pair, with a certificate for X509. NoSec and EST carry nothing.
 */
public record NewCredential(SecurityMode mode, String pskIdentity, byte[] pskKey, KeyPair keyPair, X509Certificate certificate) {

    /** The part that must be sealed: the PSK key, or the private key as PKCS#8 DER; null if none. */
    public byte[] secret() {
        if (pskKey != null) {
            return pskKey;
        }
        return keyPair == null || keyPair.getPrivate() == null ? null : keyPair.getPrivate().getEncoded();
    }

    /** The device's public key as SubjectPublicKeyInfo DER, for RPK and X509; else null. */
    public byte[] publicKey() {
        return keyPair == null ? null : keyPair.getPublic().getEncoded();
    }

    @Override
    public String toString() {
        return "NewCredential[" + mode + ", identity=" + pskIdentity + "]";
    }
}

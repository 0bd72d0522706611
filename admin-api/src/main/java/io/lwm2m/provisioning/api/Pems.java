package io.lwm2m.provisioning.api;

import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.crypto.Der;

/** DER as stored, shown as PEM in API responses; null stays null. */
public final class Pems {

    private Pems() {
    }

    public static String publicKey(byte[] subjectPublicKeyInfo) {
        return subjectPublicKeyInfo == null ? null : Pem.publicKey(Der.publicKey(subjectPublicKeyInfo));
    }

    public static String certificate(byte[] der) {
        return der == null ? null : Pem.certificate(Der.certificate(der));
    }

    public static String privateKey(byte[] pkcs8) {
        return pkcs8 == null ? null : Pem.privateKey(Der.privateKey(pkcs8));
    }
}

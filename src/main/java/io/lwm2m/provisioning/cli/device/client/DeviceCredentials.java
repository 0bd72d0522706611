package io.lwm2m.provisioning.cli.device.client;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;

/**
 * What a device authenticates to the bootstrap server with (its bootstrap-server account, LwM2M
 * security modes 0-3), and how that account looks in its Security object.
 */
public sealed interface DeviceCredentials {

    /** The Security Mode resource (/0/x/2) of the bootstrap account. */
    int securityMode();

    /** /0/x/3: PSK identity (UTF-8), public key (SubjectPublicKeyInfo DER) or certificate (DER). */
    byte[] publicKeyOrIdentity();

    /** /0/x/5: PSK key or private key (PKCS#8 DER). */
    byte[] secretKey();

    /** Configures the DTLS client with these credentials; the server is checked by {@code trust}. */
    void configure(DtlsConnectorConfig.Builder dtls, ServerTrust trust);

    /** A line for people, never a secret. */
    String describe();

    /** Security mode 0: a PSK identity and its key. */
    record Psk(String identity, byte[] key) implements DeviceCredentials {

        @Override
        public int securityMode() {
            return 0;
        }

        @Override
        public byte[] publicKeyOrIdentity() {
            return identity.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] secretKey() {
            return key.clone();
        }

        @Override
        public void configure(DtlsConnectorConfig.Builder dtls, ServerTrust trust) {
            dtls.setAdvancedPskStore(new AdvancedSinglePskStore(identity, key));
        }

        @Override
        public String describe() {
            return "PSK identity " + identity;
        }

        @Override
        public String toString() {
            return "Psk[" + identity + "]";
        }
    }

    /** Security mode 1: a raw public key pair (EC). */
    record Rpk(PrivateKey privateKey, PublicKey publicKey) implements DeviceCredentials {

        @Override
        public int securityMode() {
            return 1;
        }

        @Override
        public byte[] publicKeyOrIdentity() {
            return publicKey.getEncoded();
        }

        @Override
        public byte[] secretKey() {
            return privateKey.getEncoded();
        }

        @Override
        public void configure(DtlsConnectorConfig.Builder dtls, ServerTrust trust) {
            dtls.setCertificateIdentityProvider(new SingleCertificateProvider(privateKey, publicKey));
            dtls.setAsList(DtlsConfig.DTLS_CERTIFICATE_TYPES, CertificateType.RAW_PUBLIC_KEY);
            dtls.setAdvancedCertificateVerifier(trust.verifier(List.of(CertificateType.RAW_PUBLIC_KEY)));
        }

        @Override
        public String describe() {
            return "raw public key (" + publicKey.getAlgorithm() + ")";
        }

        @Override
        public String toString() {
            return "Rpk[" + publicKey.getAlgorithm() + "]";
        }
    }

    /** Security mode 2: a certificate chain (the device's first) and its private key. */
    record X509(PrivateKey privateKey, List<X509Certificate> chain) implements DeviceCredentials {

        public X509 {
            chain = List.copyOf(chain);
        }

        @Override
        public int securityMode() {
            return 2;
        }

        @Override
        public byte[] publicKeyOrIdentity() {
            try {
                return chain.get(0).getEncoded();
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] secretKey() {
            return privateKey.getEncoded();
        }

        @Override
        public void configure(DtlsConnectorConfig.Builder dtls, ServerTrust trust) {
            dtls.setCertificateIdentityProvider(new SingleCertificateProvider(privateKey,
                    chain.toArray(new X509Certificate[0]), CertificateType.X_509));
            dtls.setAsList(DtlsConfig.DTLS_CERTIFICATE_TYPES, CertificateType.X_509);
            dtls.setAdvancedCertificateVerifier(trust.verifier(List.of(CertificateType.X_509)));
        }

        @Override
        public String describe() {
            return "certificate " + chain.get(0).getSubjectX500Principal().getName() + " (serial "
                    + chain.get(0).getSerialNumber().toString(16) + ")";
        }

        @Override
        public String toString() {
            return "X509[" + chain.get(0).getSubjectX500Principal().getName() + "]";
        }
    }

    /** Security mode 3: plain CoAP, no DTLS (a profile must allow it). */
    record NoSec() implements DeviceCredentials {

        @Override
        public int securityMode() {
            return 3;
        }

        @Override
        public byte[] publicKeyOrIdentity() {
            return new byte[0];
        }

        @Override
        public byte[] secretKey() {
            return new byte[0];
        }

        @Override
        public void configure(DtlsConnectorConfig.Builder dtls, ServerTrust trust) {
            throw new IllegalStateException("NoSec devices use plain CoAP, not DTLS");
        }

        @Override
        public String describe() {
            return "NoSec (plain CoAP)";
        }
    }
}

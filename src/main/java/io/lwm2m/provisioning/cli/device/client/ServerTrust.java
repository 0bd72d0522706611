package io.lwm2m.provisioning.cli.device.client;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * What a device expects the bootstrap server to present in an RPK or X.509 handshake (its
 * bootstrap account's /0/x/4): the server's public key, or certificates it must chain to. With
 * neither, any server key is accepted, which a real device would never do; the simulator says so.
 */
public record ServerTrust(PublicKey publicKey, List<X509Certificate> certificates) {

    public static final ServerTrust ANY = new ServerTrust(null, List.of());

    public ServerTrust {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    public static ServerTrust publicKey(PublicKey key) {
        return new ServerTrust(key, List.of());
    }

    public static ServerTrust certificates(List<X509Certificate> anchors) {
        return new ServerTrust(anchors.get(0).getPublicKey(), anchors);
    }

    public boolean checksServer() {
        return publicKey != null;
    }

    NewAdvancedCertificateVerifier verifier(List<CertificateType> types) {
        StaticNewAdvancedCertificateVerifier.Builder builder = StaticNewAdvancedCertificateVerifier.builder()
                .setSupportedCertificateTypes(types);
        if (publicKey == null) {
            return builder.setTrustAllRPKs().setTrustAllCertificates().build();
        }
        if (types.contains(CertificateType.X_509)) {
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("an X.509 device checks the server against certificates, not a bare public key:"
                        + " give the certificateChain of GET /api/v1/bootstrap-server");
            }
            builder.setTrustedCertificates(certificates.toArray(new X509Certificate[0]));
        }
        if (types.contains(CertificateType.RAW_PUBLIC_KEY)) {
            builder.setTrustedRPKs(new RawPublicKeyIdentity(publicKey));
        }
        return builder.build();
    }
}

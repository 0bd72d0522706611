package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a device's raw public key or certificate only when it is the live bootstrap credential
 * of a registered device: a certificate must also chain to our CA, be within its validity and not
 * be revoked.
 */
final class DeviceCertificateVerifier implements NewAdvancedCertificateVerifier {

    private static final Logger log = LoggerFactory.getLogger(DeviceCertificateVerifier.class);

    private final BootstrapConfigStore configs;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;

    DeviceCertificateVerifier(BootstrapConfigStore configs, CertificateAuthorityService ca, ManufacturerCaService manufacturers) {
        this.configs = configs;
        this.ca = ca;
        this.manufacturers = manufacturers;
    }

    @Override
    public List<CertificateType> getSupportedCertificateTypes() {
        return List.of(CertificateType.X_509, CertificateType.RAW_PUBLIC_KEY);
    }

    @Override
    public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName,
            InetSocketAddress remotePeer, boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath,
            CertificateMessage message) {
        try {
            CertPath path = message.getCertificateChain();
            if (path == null) {
                PublicKey key = message.getPublicKey();
                if (key != null && configs.bootstrapCredential(ClientIdentity.rpk(key.getEncoded())).isPresent()) {
                    return new CertificateVerificationResult(cid, key, null);
                }
                return refuse(cid, remotePeer, "raw public key of no live bootstrap credential");
            }
            @SuppressWarnings("unchecked")
            List<X509Certificate> certificates = (List<X509Certificate>) path.getCertificates();
            if (certificates.isEmpty()) {
                return refuse(cid, remotePeer, "empty certificate chain");
            }
            boolean ours = ca.isValid(certificates);
            List<String> vouched = ours ? List.of() : manufacturers.endpointsVouchedFor(certificates);
            if (!ours && vouched.isEmpty()) {
                return refuse(cid, remotePeer, "certificate neither from this CA nor from a registered manufacturer CA, "
                        + "or expired, or revoked");
            }
            // A live bootstrap credential may bootstrap; any other valid certificate naming a registered
            // device may only use EST (its own from our CA for sren, or a factory one): /bs refuses it.
            if (configs.bootstrapCredential(ClientIdentity.x509(certificates.get(0))).isEmpty()
                    && !namesRegisteredDevice(certificates.get(0), ours, vouched)) {
                return refuse(cid, remotePeer, "certificate of no registered device");
            }
            return new CertificateVerificationResult(cid, path, null);
        } catch (RuntimeException e) {
            log.error("Certificate verification failed unexpectedly; refusing the handshake", e);
            return refuse(cid, remotePeer, "verification error");
        }
    }

    private boolean namesRegisteredDevice(X509Certificate certificate, boolean ours, List<String> vouched) {
        if (ours) {
            return ca.find(CertificateAuthorityService.hex(certificate.getSerialNumber()))
                    .map(io.lwm2m.provisioning.certificates.IssuedCertificate::endpoint)
                    .filter(configs::isRegistered).isPresent();
        }
        return vouched.stream().anyMatch(configs::isRegistered);
    }

    private static CertificateVerificationResult refuse(ConnectionId cid, InetSocketAddress peer, String reason) {
        log.info("DTLS handshake from {} refused: {}", peer, reason);
        return new CertificateVerificationResult(cid, new HandshakeException(reason,
                new AlertMessage(AlertMessage.AlertLevel.FATAL, AlertMessage.AlertDescription.BAD_CERTIFICATE)), null);
    }

    /**
     * No issuer list in the CertificateRequest ("any"): a factory certificate may come from a
     * manufacturer's intermediate CA that is not registered itself, and clients that filter their
     * certificate by the list would then send none.
     */
    @Override
    public List<X500Principal> getAcceptedIssuers() {
        return List.of();
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // Answers synchronously.
    }
}

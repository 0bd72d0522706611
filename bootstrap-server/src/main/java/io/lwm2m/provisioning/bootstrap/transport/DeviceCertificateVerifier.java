package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
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
 * of a registered device: a certificate must also chain to our CA (or a registered manufacturer
 * CA), be within its validity and not be revoked. A refusal is logged with the certificate's
 * subject and serial and the precise reason (expired, not yet valid, untrusted or revoked, unknown):
 * the handshake fails before any endpoint name is known, so the log is where that reason is kept.
 */
final class DeviceCertificateVerifier implements NewAdvancedCertificateVerifier {

    private static final Logger log = LoggerFactory.getLogger(DeviceCertificateVerifier.class);

    private final BootstrapConfigStore configs;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final Clock clock;

    DeviceCertificateVerifier(BootstrapConfigStore configs, CertificateAuthorityService ca, ManufacturerCaService manufacturers,
            Clock clock) {
        this.configs = configs;
        this.ca = ca;
        this.manufacturers = manufacturers;
        this.clock = clock;
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
            X509Certificate device = certificates.get(0);
            String certificate = "certificate '" + printable(device.getSubjectX500Principal().getName()) + "' (serial "
                    + CertificateAuthorityService.hex(device.getSerialNumber()) + ")";
            Instant now = clock.instant();
            if (now.isAfter(device.getNotAfter().toInstant())) {
                return refuse(cid, remotePeer, certificate + " expired at " + device.getNotAfter().toInstant());
            }
            if (now.isBefore(device.getNotBefore().toInstant())) {
                return refuse(cid, remotePeer, certificate + " is not valid before " + device.getNotBefore().toInstant());
            }
            boolean ours = ca.isValid(certificates);
            List<String> vouched = ours ? List.of() : manufacturers.endpointsVouchedFor(certificates);
            if (!ours && vouched.isEmpty()) {
                return refuse(cid, remotePeer, certificate + " of issuer '" + printable(device.getIssuerX500Principal().getName())
                        + "' chains to neither this server's CA nor a registered manufacturer CA, or is revoked");
            }
            // A live bootstrap credential may bootstrap; any other valid certificate naming a registered
            // device may only use EST (its own from our CA for sren, or a factory one): /bs refuses it.
            if (configs.bootstrapCredential(ClientIdentity.x509(device)).isEmpty()
                    && !namesRegisteredDevice(device, ours, vouched)) {
                return refuse(cid, remotePeer, certificate + " is no live bootstrap credential and names no registered device");
            }
            return new CertificateVerificationResult(cid, path, null);
        } catch (RuntimeException e) {
            log.error("Certificate verification failed unexpectedly; refusing the handshake", e);
            return refuse(cid, remotePeer, "verification error");
        }
    }

    /** The name as one log line: the peer chose it, so control characters are replaced. */
    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
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

package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.enrollment.GroupDirectory;
import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailureReason;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.certificates.PresentedCertificate;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
import org.springframework.stereotype.Component;

/**
 * Accepts a device's raw public key or certificate only when it is the live bootstrap credential
 * of a registered device, or a factory certificate an enrollment group takes (the device is admitted
 * on its first request): a certificate must also chain to our CA (or a registered manufacturer
 * CA), be within its validity and not be revoked (by us, or on a manufacturer CA's CRL we hold). A refusal is logged with the certificate's
 * subject and serial and the precise reason (expired, not yet valid, untrusted or revoked, unknown):
 * the handshake fails before any endpoint name is known, so the log is where that reason is kept.
 */
@Component
final class DeviceCertificateVerifier implements NewAdvancedCertificateVerifier {

    private static final Logger log = LoggerFactory.getLogger(DeviceCertificateVerifier.class);

    private final BootstrapConfigStore configs;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final Clock clock;
    private final FailureGate gate;
    private final GroupDirectory groups;

    DeviceCertificateVerifier(BootstrapConfigStore configs, CertificateAuthorityService ca, ManufacturerCaService manufacturers,
            Clock clock, FailureGate gate, GroupDirectory groups) {
        this.gate = gate;
        this.groups = groups;
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
                Optional<Long> credential = key == null ? Optional.empty() : configs.bootstrapCredentialOfKey(key.getEncoded());
                if (credential.isPresent()) {
                    // Its id rides along into the session's principal (HandshakeCredential).
                    return new CertificateVerificationResult(cid, key, credential.get());
                }
                return refuse(cid, remotePeer, new Refusal(HandshakeFailureReason.UNKNOWN_PUBLIC_KEY,
                        "raw public key of no live bootstrap credential", null, null));
            }
            @SuppressWarnings("unchecked")
            List<X509Certificate> certificates = (List<X509Certificate>) path.getCertificates();
            if (certificates.isEmpty()) {
                return refuse(cid, remotePeer, new Refusal(HandshakeFailureReason.CERTIFICATE_UNTRUSTED, "empty certificate chain",
                        null, null));
            }
            Verdict verdict = check(certificates);
            return verdict.refusal() == null ? new CertificateVerificationResult(cid, path, verdict.credentialId())
                    : refuse(cid, remotePeer, verdict.refusal());
        } catch (RuntimeException e) {
            log.error("Certificate verification failed unexpectedly; refusing the handshake", e);
            return refuse(cid, remotePeer, new Refusal(HandshakeFailureReason.SERVER_ERROR, "verification error", null, null));
        }
    }

    /**
     * Why a certificate chain may not bootstrap, or else the live bootstrap credential it stands for
     * (null for a certificate that may only use EST, or whose first request admits its device).
     */
    private record Verdict(Refusal refusal, Long credentialId) {

        static Verdict refused(Refusal refusal) {
            return new Verdict(refusal, null);
        }
    }

    private Verdict check(List<X509Certificate> certificates) {
        X509Certificate device = certificates.get(0);
        // One this CA issued (its signature checks, whatever its dates): failures are told to its device's history.
        PresentedCertificate presented = ca.examine(device);
        Optional<IssuedCertificate> issued = presented.issued();
        Instant now = clock.instant();
        if (now.isAfter(device.getNotAfter().toInstant())) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_EXPIRED,
                    describe(device) + " expired at " + device.getNotAfter().toInstant(), issued));
        }
        if (now.isBefore(device.getNotBefore().toInstant())) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_NOT_YET_VALID, describe(device) + " is not valid before "
                    + device.getNotBefore().toInstant(), issued));
        }
        if (issued.isPresent() && issued.get().status() == IssuedCertificate.Status.REVOKED) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_REVOKED, describe(device) + " is revoked", issued));
        }
        boolean ours = presented.valid();
        ManufacturerCaService.Vouching vouching = ours ? null : manufacturers.vouch(certificates);
        if (vouching != null && vouching.status() == ManufacturerCaService.Vouching.Status.REVOKED) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_REVOKED,
                    describe(device) + " is listed by the CRL of manufacturer CA '" + vouching.manufacturerCa() + "'", issued));
        }
        List<String> vouched = vouching != null && vouching.status() == ManufacturerCaService.Vouching.Status.VOUCHED
                ? vouching.names() : List.of();
        if (!ours && vouched.isEmpty()) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_UNTRUSTED, describe(device) + " of issuer '"
                    + printable(device.getIssuerX500Principal().getName())
                    + "' chains to neither this server's CA nor a registered manufacturer CA, or is revoked", issued));
        }
        // A live bootstrap credential may bootstrap; any other valid certificate naming a registered
        // device may only use EST (its own from our CA for sren, or a factory one): /bs refuses it.
        // A factory certificate of an enrollment group's CA passes: its first request admits the device.
        Optional<Long> credential = configs.bootstrapCredentialOfCertificate(device, ours);
        if (credential.isEmpty()
                && !namesRegisteredDevice(ours ? issued : Optional.empty(), vouched)
                && !(vouching != null && groups.coversManufacturerCa(vouching.manufacturerCa()))) {
            return Verdict.refused(refusal(HandshakeFailureReason.CERTIFICATE_UNKNOWN, describe(device)
                    + " is no live bootstrap credential, names no registered device and no enrollment group takes its CA", issued));
        }
        return new Verdict(null, credential.orElse(null));
    }

    private Refusal refusal(HandshakeFailureReason reason, String detail, Optional<IssuedCertificate> issued) {
        String endpoint = issued.map(IssuedCertificate::endpoint).orElse(null);
        Long deviceId = endpoint == null ? null : configs.deviceIdOf(endpoint).orElse(null);
        return new Refusal(reason, detail, deviceId, deviceId == null ? null : endpoint);
    }

    /**
     * Why the credential may not bootstrap, and the device it belongs to where that is proven. The
     * detail names the certificate (subject, serial) and the precise reason; it is what the failure
     * record and the log show as the presented identity.
     */
    private record Refusal(HandshakeFailureReason reason, String detail, Long deviceId, String endpoint) {
    }

    /** The certificate as a refusal names it. Built only for a refusal: formatting the subject is a measurable part of an accepted handshake. */
    private static String describe(X509Certificate device) {
        return "certificate '" + printable(device.getSubjectX500Principal().getName()) + "' (serial "
                + CertificateAuthorityService.hex(device.getSerialNumber()) + ")";
    }

    /** The name as one log line: the peer chose it, so control characters are replaced. */
    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }

    /** @param ours the record of a valid certificate of this CA, or empty for any other */
    private boolean namesRegisteredDevice(Optional<IssuedCertificate> ours, List<String> vouched) {
        if (ours.isPresent()) {
            return ours.map(IssuedCertificate::endpoint).filter(configs::isRegistered).isPresent();
        }
        return vouched.stream().anyMatch(configs::isRegistered);
    }

    private CertificateVerificationResult refuse(ConnectionId cid, InetSocketAddress peer, Refusal refusal) {
        log.debug("DTLS handshake from {} refused: {}", peer, refusal.detail());
        gate.credentialRefused(cid, peer, refusal.reason(), refusal.deviceId(), refusal.endpoint(), refusal.detail());
        return new CertificateVerificationResult(cid, new HandshakeException(refusal.detail(),
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

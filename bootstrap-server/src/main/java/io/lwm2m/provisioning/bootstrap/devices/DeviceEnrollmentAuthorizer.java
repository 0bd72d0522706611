package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.bootstrap.sessions.DeviceAdmission;
import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.certificates.PresentedCertificate;
import io.lwm2m.provisioning.est.EnrollmentAuthorizer;
import io.lwm2m.provisioning.est.EnrollmentGrant;
import io.lwm2m.provisioning.est.EstException;
import io.lwm2m.provisioning.est.EstIdentity;
import io.lwm2m.provisioning.est.EstOperation;
import io.lwm2m.provisioning.est.EstPolicy;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who may enroll over EST (RFC 9148 §3), decided from the devices, their credentials and their
 * profiles' {@code est} policy:
 * <ul>
 * <li>a certificate from our CA names its device through the certificate record (it must still be valid);</li>
 * <li>a factory certificate (IDevID) from a registered manufacturer CA names a registered endpoint by CN or SAN URI;</li>
 * <li>a PSK or raw public key of a live bootstrap credential, only where the profile sets
 * {@code est.allowBootstrapCredential} (our extension: RFC 9148 wants a certificate).</li>
 * </ul>
 * A client that proves an enrollment group's trust anchor (a factory certificate of the group's CA, a
 * PSK the group derives) but names no device yet is admitted first (issue 17), then judged as above.
 * A certificate enrolled for a mode-4 DM-server account is recorded on that account's credential.
 */
@Component
class DeviceEnrollmentAuthorizer implements EnrollmentAuthorizer {

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final ProfileService profiles;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final CredentialLifecycle lifecycle;
    private final TransactionTemplate readOnly;
    private final BootstrapIdentities identities;
    private final DeviceAdmission admission;
    private final EstPolicies policies = new EstPolicies();

    DeviceEnrollmentAuthorizer(DeviceRepository devices, DeviceCredentialRepository credentials,
            ProfileService profiles, CertificateAuthorityService ca, ManufacturerCaService manufacturers,
            CredentialLifecycle lifecycle, BootstrapIdentities identities, DeviceAdmission admission,
            PlatformTransactionManager transactionManager) {
        this.admission = admission;
        this.devices = devices;
        this.credentials = credentials;
        this.profiles = profiles;
        this.ca = ca;
        this.manufacturers = manufacturers;
        this.lifecycle = lifecycle;
        this.identities = identities;
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
    }

    @Override
    public EnrollmentGrant authorize(EstIdentity identity, String label, EstOperation operation) {
        if (identity.kind() == EstIdentity.Kind.NONE) {
            throw new EstException(EstException.Status.UNAUTHENTICATED, "client.unauthenticated",
                    "EST needs an authenticated client: a certificate over DTLS/TLS (or the device's PSK/RPK where its profile allows)");
        }
        Decision decision;
        try {
            decision = decide(identity, label);
        } catch (EstException e) {
            if (!UNKNOWN.equals(e.rule())) {
                throw e;
            }
            decision = admitted(identity, label, e);
        }
        if (decision.pendingCredential() != null) {
            // The device authenticated with a re-enrolled certificate: it holds it, the old one retires.
            lifecycle.authenticatedWith(decision.pendingCredential());
        }
        return decision.grant();
    }

    private record Decision(EnrollmentGrant grant, Long pendingCredential) {
    }

    /** The rule of a client whose identity names no device: where enrollment groups may admit it. */
    private static final String UNKNOWN = "client.unknown";

    /** A first contact over EST: an enrollment group may admit the client, which is then judged as any device. */
    private Decision admitted(EstIdentity identity, String label, EstException unknown) {
        ClientIdentity client = switch (identity.kind()) {
            case CERTIFICATE -> ClientIdentity.x509(identity.certificates());
            case PSK -> ClientIdentity.psk(identity.pskIdentity());
            case RPK -> ClientIdentity.rpk(identity.publicKey());
            default -> null;
        };
        DeviceAdmission.Admission admitted = client == null ? new DeviceAdmission.Admission.NotCovered()
                : admission.admit(client, null, DeviceAdmission.Channel.EST, identity.peer());
        if (admitted instanceof DeviceAdmission.Admission.Refused refused) {
            throw forbidden("client.not-admitted", refused.reason());
        }
        if (!(admitted instanceof DeviceAdmission.Admission.Admitted)) {
            throw unknown;
        }
        return decide(identity, label);
    }

    /**
     * A PSK or raw public key is decided on one plain statement (plus the profile's policy, cached);
     * a certificate reads entities, in one read-only transaction.
     */
    private Decision decide(EstIdentity identity, String label) {
        return switch (identity.kind()) {
            case CERTIFICATE -> readOnly.execute(status -> byCertificate(identity, label));
            case PSK, RPK -> byBootstrapCredential(identity, label);
            default -> throw new IllegalStateException("unexpected identity " + identity.kind());
        };
    }

    private Decision byBootstrapCredential(EstIdentity identity, String label) {
        BootstrapIdentities.Owner owner = identities.of(identity).orElseThrow(() -> forbidden(UNKNOWN, "the client's "
                + identity.kind() + " is no live bootstrap credential"));
        EstPolicy policy = policyFor(owner.device(), label);
        if (!policy.allowBootstrapCredential()) {
            throw forbidden("client.bootstrap-credential", "the device's profile does not allow EST over its "
                    + identity.kind() + " bootstrap credential (est.allowBootstrapCredential); authenticate with a certificate");
        }
        return new Decision(new EnrollmentGrant(owner.device().endpoint(), label, policy, owner.modeFourAccount()), null);
    }

    private Decision byCertificate(EstIdentity identity, String label) {
        Long pendingCredential = null;
        X509Certificate certificate = identity.certificate();
        String serial = CertificateAuthorityService.hex(certificate.getSerialNumber());
        PresentedCertificate presented = ca.examine(certificate);
        Optional<IssuedCertificate> ours = presented.issued();
        Device found;
        if (ours.isPresent()) {
            if (!presented.valid()) {
                throw forbidden("client.certificate", "the client's certificate from this CA is expired or revoked");
            }
            found = ours.map(IssuedCertificate::endpoint).flatMap(devices::findByEndpoint)
                    .orElseThrow(() -> forbidden(UNKNOWN, "the client's certificate names no registered device"));
            pendingCredential = credentials.findByCertificateSerial(serial)
                    .filter(c -> c.status() == CredentialStatus.PENDING).map(DeviceCredential::id).orElse(null);
        } else {
            List<String> names = manufacturers.endpointsVouchedFor(identity.certificates());
            if (names.isEmpty()) {
                throw forbidden("client.certificate",
                        "the client's certificate is neither from this CA nor from a registered manufacturer CA (or it expired)");
            }
            found = names.stream().map(devices::findByEndpoint).flatMap(Optional::stream).findFirst()
                    .orElseThrow(() -> forbidden(UNKNOWN, "the factory certificate names no registered device"));
        }
        Enrollee device = Enrollee.of(found);
        // Whether it has a mode-4 account is left to issued(), which looks in its own transaction.
        return new Decision(new EnrollmentGrant(device.endpoint(), label, policyFor(device, label), true), pendingCredential);
    }

    /** The device's EST policy for {@code label}; the one place a device's state decides EST: a disabled device enrolls for nothing. */
    private EstPolicy policyFor(Enrollee device, String label) {
        if (device.state() != DeviceState.ACTIVE) {
            throw forbidden("device.disabled", "device '" + device.endpoint() + "' is " + device.state());
        }
        return policies.of(device, () -> readOnly.execute(status -> {
            Device entity = devices.findById(device.id()).orElseThrow();
            return profiles.effectiveFor(entity.profile(), entity.overridesJson(), entity.servers()).est();
        })).forLabel(label);
    }

    @Override
    public void issued(EnrollmentGrant grant, EstIdentity identity, EstOperation operation, BuiltCertificate certificate) {
        if (!grant.modeFourAccount()) {
            return; // none when it was authorized (e.g. a gateway's certificate): the CA's record is the only one
        }
        String server = grant.policy().server();
        List<DeviceCredential> est = credentials.findLiveEstCredentials(grant.endpoint()).stream()
                .filter(c -> server == null || c.server().name().equals(server))
                .sorted(Comparator.comparing(DeviceCredential::id))
                .toList();
        if (est.isEmpty()) {
            return; // no mode-4 account (e.g. a gateway's certificate): the CA's record is the only one
        }
        Long serverId = est.get(0).server().id();
        List<DeviceCredential> account = est.stream().filter(c -> c.server().id().equals(serverId)).toList();
        Optional<DeviceCredential> waiting = account.stream()
                .filter(c -> c.status() == CredentialStatus.ACTIVE && c.certificateSerial() == null).findFirst();
        boolean stored;
        if (waiting.isPresent()) {
            stored = lifecycle.enrolled(waiting.get(), certificate.x509());
        } else {
            DeviceCredential current = account.stream().filter(c -> c.status() == CredentialStatus.ACTIVE).findFirst()
                    .orElse(account.get(0));
            stored = lifecycle.reenrolled(current, certificate.x509()).isPresent();
        }
        if (!stored) {
            // Refused, so the group's transaction rolls the certificate's record back: it was never issued.
            throw forbidden("credential.ended", "the device's mode-4 credential was revoked while it enrolled");
        }
    }

    private static EstException forbidden(String rule, String message) {
        return new EstException(EstException.Status.FORBIDDEN, rule, message);
    }
}

package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.certificates.PresentedCertificate;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * EST enrollment, independent of the transport (CoAP or HTTPS): who may enroll (through the
 * {@link EnrollmentAuthorizer}), the CSR rules ({@link CsrCheck}), delayed issuance, and issuance
 * through the CA, which records and audits every certificate.
 */
@Service
public class EstService {

    private static final Logger log = LoggerFactory.getLogger(EstService.class);
    private static final int MAX_REQUESTED_BY = 128;

    private final CertificateAuthorityService ca;
    private final EnrollmentAuthorizer authorizer;
    private final PendingEnrollmentRepository pending;
    private final TransactionTemplate transactions;
    private final AuditSink audit;
    private final SecureRandom random;
    private final Clock clock;
    private final List<EstEvents> events;
    private final IssuanceGroups groups;

    EstService(CertificateAuthorityService ca, EnrollmentAuthorizer authorizer, PendingEnrollmentRepository pending,
            TransactionTemplate transactions, AuditSink audit, SecureRandom random, Clock clock, List<EstEvents> events) {
        this.ca = ca;
        this.authorizer = authorizer;
        this.pending = pending;
        this.transactions = transactions;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
        this.events = List.copyOf(events);
        this.groups = new IssuanceGroups(transactions, size -> this.events.forEach(listener -> listener.issuanceGroup(size)));
    }

    /** {@code crts} / {@code cacerts}: the CA chain, issuing CA first, root last. Open to every client. */
    public List<X509Certificate> caCertificates() {
        List<X509Certificate> chain = ca.chain();
        observe(EstOperation.CA_CERTS, "served");
        return chain;
    }

    /** {@code att} / {@code csrattrs}: what this client's CSR must contain (DER CsrAttrs). */
    public byte[] csrAttributes(EstIdentity identity, String label) {
        try {
            EnrollmentGrant grant = authorizer.authorize(identity, label, EstOperation.CSR_ATTRS);
            byte[] attributes = EstEncoding.csrAttributes(grant.endpoint(),
                    CertificateAuthorityService.endpointUri(grant.endpoint()).toString(), grant.policy().keyTypes());
            observe(EstOperation.CSR_ATTRS, "served");
            return attributes;
        } catch (EstException e) {
            refused(EstOperation.CSR_ATTRS, identity, label, e);
            throw e;
        }
    }

    /**
     * {@code sen}, {@code sren}, {@code skg}, {@code skc} and their HTTPS names: checks the client
     * and the CSR, then issues (or, where the policy wants approval, answers "pending" until an
     * operator approved this very CSR). Throws {@link EstException} naming the rule that failed;
     * nothing is issued then.
     */
    public Enrollment enroll(EstIdentity identity, String label, EstOperation operation, byte[] csrDer) {
        if (!operation.issues()) {
            throw new IllegalArgumentException(operation + " does not issue certificates");
        }
        try {
            EnrollmentGrant grant = authorizer.authorize(identity, label, operation);
            EstPolicy policy = grant.policy();
            if (operation == EstOperation.SIMPLE_REENROLL) {
                requireCurrentCertificate(identity, grant.endpoint());
            }
            if (operation.serverKeyGeneration() && !policy.serverKeyGeneration()) {
                throw new EstException(EstException.Status.FORBIDDEN, "skg.disabled",
                        "the profile does not allow server-side key generation");
            }
            CsrCheck.VerifiedCsr csr = CsrCheck.verify(csrDer);
            CsrCheck.checkSubject(csr, grant.endpoint(), CertificateAuthorityService.endpointUri(grant.endpoint()).toString());
            KeyAlgorithm keyType = operation.serverKeyGeneration()
                    ? (allowed(csr.publicKey(), policy) ? KeyAlgorithm.of(csr.publicKey()) : policy.defaultKeyType())
                    : CsrCheck.checkKeyType(csr, policy);
            Enrollment enrollment = policy.approval()
                    ? afterApproval(grant, identity, operation, csr, keyType)
                    : issue(grant, identity, operation, csr, keyType, null);
            observe(operation, enrollment.isPending() ? "pending" : "issued");
            return enrollment;
        } catch (EstException e) {
            refused(operation, identity, label, e);
            throw e;
        }
    }

    /** The CSRs waiting for a decision, oldest first. */
    @Transactional(readOnly = true)
    public List<PendingEnrollment> pendingApprovals(int limit) {
        return pending.findByStatusOrderByCreatedAtAsc(PendingEnrollment.Status.PENDING, Limit.of(limit));
    }

    /** An operator approves (or rejects) a held CSR; the client's next re-send gets the certificate (or 4.03 / 403). */
    @Transactional
    public PendingEnrollment decide(long id, boolean approve, Actor actor) {
        PendingEnrollment enrollment = pending.findLocked(id)
                .orElseThrow(() -> new NotFoundException("no EST enrollment " + id + " is held for approval"));
        if (enrollment.status() != PendingEnrollment.Status.PENDING) {
            throw new ConflictException("status", "enrollment " + id + " is " + enrollment.status() + ", not PENDING");
        }
        enrollment.decide(approve, actor.name(), clock.instant());
        audit.record(actor.event(approve ? "est.approve" : "est.reject", "device:" + enrollment.endpoint(),
                AuditEvent.Outcome.SUCCESS, Map.of("enrollment", Long.toString(id))));
        return enrollment;
    }

    private Enrollment afterApproval(EnrollmentGrant grant, EstIdentity identity, EstOperation operation,
            CsrCheck.VerifiedCsr csr, KeyAlgorithm keyType) {
        byte[] hash = sha256(csr.der());
        PendingEnrollment held = pending.findByEndpointAndCsrSha256(grant.endpoint(), hash).orElse(null);
        if (held == null) {
            try {
                transactions.executeWithoutResult(status -> {
                    PendingEnrollment created = pending.save(new PendingEnrollment(grant.endpoint(), grant.label(), operation,
                            hash, csr.der(), requestedBy(identity), clock.instant()));
                    audit.record(new AuditEvent(requestedBy(identity), null, "est.hold", "device:" + grant.endpoint(),
                            AuditEvent.Outcome.SUCCESS, identity.peer(), null,
                            Map.of("enrollment", created.id().toString(), "operation", operation.coapName())));
                });
            } catch (DataIntegrityViolationException e) {
                // The same CSR arrived twice at once: the other request holds it.
            }
            return Enrollment.pending(grant.policy().retryAfter());
        }
        return switch (held.status()) {
            case PENDING -> Enrollment.pending(grant.policy().retryAfter());
            case REJECTED -> throw new EstException(EstException.Status.FORBIDDEN, "approval.rejected",
                    "an operator rejected this CSR (enrollment " + held.id() + ")");
            case APPROVED -> {
                try {
                    yield issue(grant, identity, operation, csr, keyType, held.id());
                } catch (ServedMeanwhile e) {
                    // A re-send of the same CSR was served while this one was signing: its certificate is the answer.
                    yield served(pending.findById(held.id()).orElseThrow(), operation);
                }
            }
            case ISSUED -> served(held, operation);
        };
    }

    /** The answer to a re-send of an approved CSR that was served already: the certificate it got. */
    private Enrollment served(PendingEnrollment held, EstOperation operation) {
        if (operation.serverKeyGeneration()) {
            throw new EstException(EstException.Status.FORBIDDEN, "approval.used",
                    "this approved request was served already; the server-generated key is given only once");
        }
        IssuedCertificate issued = ca.find(held.certificateSerial()).orElseThrow();
        return new Enrollment(BuiltCertificate.ofDer(issued.der()), null, ca.chain(), null);
    }

    /**
     * An approval is used once: its row is read locked in the writes' transaction, so of two re-sends
     * signing at once the second finds it ISSUED, records nothing, and answers with the first's
     * certificate (the one it signed never leaves the server).
     */
    private static final class ServedMeanwhile extends RuntimeException {

        ServedMeanwhile() {
            super(null, null, false, false);
        }
    }

    private Enrollment issue(EnrollmentGrant grant, EstIdentity identity, EstOperation operation, CsrCheck.VerifiedCsr csr,
            KeyAlgorithm keyType, Long approvedId) {
        KeyPair generated = operation.serverKeyGeneration() ? keyType.generate(random) : null;
        PublicKey subjectKey = generated != null ? generated.getPublic() : csr.publicKey();
        CertificateAuthorityService.SignedCertificate signed = ca.sign(subjectKey, CertificateProfile.Purpose.DEVICE,
                grant.endpoint(), grant.endpoint());
        BuiltCertificate certificate = signed.certificate();
        String requestedBy = requestedBy(identity);
        groups.commit(new IssuanceGroups.Writes() {
            @Override
            public void records() {
                ca.record(signed, requestedBy);
                authorizer.issued(grant, identity, operation, certificate);
                if (approvedId != null) {
                    PendingEnrollment approval = pending.findLocked(approvedId).orElseThrow();
                    if (approval.status() != PendingEnrollment.Status.APPROVED) {
                        throw new ServedMeanwhile();
                    }
                    approval.issued(CertificateAuthorityService.hex(certificate.serialNumber()));
                }
            }

            @Override
            public void audit() {
                ca.auditIssued(certificate, CertificateProfile.Purpose.DEVICE, grant.endpoint(), grant.endpoint(), requestedBy);
            }
        });
        log.debug("EST {} issued {} to {}", operation.coapName(), certificate, grant.endpoint());
        return new Enrollment(certificate, generated == null ? null : generated.getPrivate().getEncoded(), ca.chain(), null);
    }

    /** sren: the client authenticated with a certificate this CA issued to the same endpoint, still valid. */
    private void requireCurrentCertificate(EstIdentity identity, String endpoint) {
        if (identity.kind() != EstIdentity.Kind.CERTIFICATE) {
            throw new EstException(EstException.Status.FORBIDDEN, "reenroll.certificate",
                    "re-enrollment needs the client to authenticate with its current certificate from this CA, not "
                            + identity.kind());
        }
        PresentedCertificate presented = ca.examine(identity.certificate());
        if (!presented.valid()) {
            throw new EstException(EstException.Status.FORBIDDEN, "reenroll.certificate",
                    "the client's certificate was not issued by this CA, or it expired or was revoked");
        }
        String holder = presented.issued().map(IssuedCertificate::endpoint).orElse(null);
        if (!endpoint.equals(holder)) {
            throw new EstException(EstException.Status.FORBIDDEN, "reenroll.certificate",
                    "the client's certificate was not issued to endpoint '" + endpoint + "'");
        }
    }

    private void refused(EstOperation operation, EstIdentity identity, String label, EstException e) {
        observe(operation, e.rule());
        log.info("EST {} from {} refused: {}", operation.coapName(), identity, e.getMessage());
        if (e.status() != EstException.Status.UNAUTHENTICATED) {
            // Anonymous refusals are not audited: anyone can cause them, and they would flood the chain.
            audit.record(new AuditEvent(requestedBy(identity), null, "est." + operation.coapName(), null,
                    AuditEvent.Outcome.DENIED, identity.peer(), null,
                    label == null ? Map.of("rule", e.rule()) : Map.of("rule", e.rule(), "label", label)));
        }
    }

    private static boolean allowed(PublicKey key, EstPolicy policy) {
        try {
            return policy.keyTypes().contains(KeyAlgorithm.of(key));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String requestedBy(EstIdentity identity) {
        String name = "est:" + identity.describe();
        return name.length() <= MAX_REQUESTED_BY ? name : name.substring(0, MAX_REQUESTED_BY);
    }

    private void observe(EstOperation operation, String outcome) {
        for (EstEvents listener : events) {
            listener.request(operation, outcome);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509CRL;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Manufacturer CAs (RFC 9148 §3 "IDevID" issuers): a device certificate chaining to one of them
 * identifies the device whose endpoint its subject CN or a SAN URI names.
 */
@Service
public class ManufacturerCaService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CN = Pattern.compile("(?:^|,)\\s*CN=((?:\\\\.|[^,])*)");

    private final ManufacturerCaRepository cas;
    private final AuditSink audit;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private volatile List<ManufacturerCrls.Anchor> anchors;
    private volatile long anchorsLoadedAt;

    ManufacturerCaService(ManufacturerCaRepository cas, AuditSink audit, Clock clock, PlatformTransactionManager transactionManager) {
        this.cas = cas;
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setReadOnly(true);
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public ManufacturerCa register(String name, String certificatePem, Actor actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException("name", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        X509Certificate certificate;
        try {
            List<X509Certificate> parsed = Pem.parseCertificates(certificatePem == null ? "" : certificatePem);
            if (parsed.size() != 1) {
                throw new InvalidInputException("certificate", "must hold exactly one certificate (the manufacturer CA's)");
            }
            certificate = parsed.get(0);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("certificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new InvalidInputException("certificate", "is not a CA certificate (basicConstraints cA is not true)");
        }
        if (certificate.getNotAfter().toInstant().isBefore(clock.instant())) {
            throw new InvalidInputException("certificate", "expired on " + certificate.getNotAfter().toInstant());
        }
        if (cas.findByName(name).isPresent()) {
            throw new ConflictException("name", "a manufacturer CA named '" + name + "' already exists");
        }
        ManufacturerCa ca = cas.save(new ManufacturerCa(name, Der.encoded(certificate),
                certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant(), clock.instant()));
        anchors = null;
        audit.record(actor.event("manufacturer-ca.create", "manufacturer-ca:" + name, AuditEvent.Outcome.SUCCESS,
                Map.of("subject", ca.subject())));
        return ca;
    }

    @Transactional
    public void remove(String name, Actor actor) {
        ManufacturerCa ca = cas.findByName(name).orElseThrow(() -> new NotFoundException("no manufacturer CA named '" + name + "'"));
        cas.delete(ca);
        anchors = null;
        audit.record(actor.event("manufacturer-ca.delete", "manufacturer-ca:" + name, AuditEvent.Outcome.SUCCESS, Map.of()));
    }

    @Transactional(readOnly = true)
    public List<ManufacturerCa> list() {
        return cas.findAllByOrderByNameAsc();
    }

    /**
     * Holds {@code crl} (DER or PEM) as the CA's current CRL: a factory certificate it lists is refused
     * from then on, on every replica within a minute. It must be signed by that CA and not older than
     * the CRL held.
     */
    @Transactional
    public ManufacturerCa replaceCrl(String name, byte[] crl, Actor actor) {
        ManufacturerCa ca = cas.findByName(name).orElseThrow(() -> new NotFoundException("no manufacturer CA named '" + name + "'"));
        X509CRL parsed = ManufacturerCrls.parse(crl);
        ManufacturerCrls.requireIssuedBy(parsed, Der.certificate(ca.certificate()));
        Instant thisUpdate = parsed.getThisUpdate().toInstant();
        if (ca.crlThisUpdate() != null && thisUpdate.isBefore(ca.crlThisUpdate())) {
            throw new InvalidInputException("crl", "is older (thisUpdate " + thisUpdate + ") than the CRL held (" + ca.crlThisUpdate() + ")");
        }
        ca.replaceCrl(ManufacturerCrls.der(parsed), thisUpdate, parsed.getNextUpdate() == null ? null : parsed.getNextUpdate().toInstant());
        anchors = null;
        audit.record(actor.event("manufacturer-ca.crl", "manufacturer-ca:" + name, AuditEvent.Outcome.SUCCESS,
                Map.of("thisUpdate", thisUpdate.toString(), "revoked", Integer.toString(
                        parsed.getRevokedCertificates() == null ? 0 : parsed.getRevokedCertificates().size()))));
        return ca;
    }

    /** Whether a manufacturer CA of this name is registered. */
    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return cas.findByName(name).isPresent();
    }

    /**
     * The endpoints a factory certificate may stand for, if its chain (the device's own
     * certificate first, then any intermediates it sent) validates against a registered
     * manufacturer CA right now and no CRL held lists it: its subject CN and its SAN URIs. Empty
     * when it does not validate.
     */
    public List<String> endpointsVouchedFor(List<X509Certificate> chain) {
        Vouching vouching = vouch(chain);
        return vouching.status() == Vouching.Status.VOUCHED ? vouching.names() : List.of();
    }

    /**
     * What the registered manufacturer CAs say of a factory certificate chain: which CA it
     * validates against (within validity, now), whether a CRL held lists a certificate of it, and
     * the names it gives its subject.
     */
    public Vouching vouch(List<X509Certificate> chain) {
        List<ManufacturerCrls.Anchor> trusted = trustAnchors();
        if (chain.isEmpty() || trusted.isEmpty()) {
            return Vouching.untrusted();
        }
        ManufacturerCrls.Anchor anchor;
        List<X509Certificate> path;
        try {
            Set<TrustAnchor> set = trusted.stream().map(ManufacturerCrls.Anchor::anchor).collect(Collectors.toSet());
            PKIXParameters parameters = new PKIXParameters(set);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            path = chain.stream().filter(c -> set.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            anchor = trusted.stream().filter(a -> a.anchor().getTrustedCert().equals(result.getTrustAnchor().getTrustedCert()))
                    .findFirst().orElseThrow();
        } catch (GeneralSecurityException e) {
            return Vouching.untrusted();
        }
        Vouching.Status status = ManufacturerCrls.anyRevoked(path, trusted) ? Vouching.Status.REVOKED : Vouching.Status.VOUCHED;
        return new Vouching(status, anchor.name(), namesOf(chain.get(0)));
    }

    /**
     * What the registered manufacturer CAs say of a factory certificate chain.
     *
     * @param manufacturerCa the registered CA it validates against (null when {@code UNTRUSTED})
     * @param names          the endpoints its subject's CN and SAN URIs name
     */
    public record Vouching(Status status, String manufacturerCa, List<String> names) {

        public enum Status {
            /** Valid, from a registered CA, listed by no CRL held. */
            VOUCHED,
            /** Valid and from a registered CA, but a CRL held lists it (or an intermediate). */
            REVOKED,
            /** From no registered CA, or outside its validity. */
            UNTRUSTED
        }

        static Vouching untrusted() {
            return new Vouching(Status.UNTRUSTED, null, List.of());
        }
    }

    /** The names a certificate gives its subject: the CN, then every SAN URI. */
    public static List<String> namesOf(X509Certificate device) {
        Set<String> names = new LinkedHashSet<>();
        Matcher cn = CN.matcher(device.getSubjectX500Principal().getName());
        if (cn.find()) {
            names.add(cn.group(1).replace("\\", ""));
        }
        try {
            if (device.getSubjectAlternativeNames() != null) {
                device.getSubjectAlternativeNames().stream()
                        .filter(san -> (Integer) san.get(0) == 6) // uniformResourceIdentifier
                        .map(san -> (String) san.get(1)).forEach(names::add);
            }
        } catch (CertificateParsingException e) {
            // a certificate with an unreadable SAN still has its CN
        }
        return new ArrayList<>(names);
    }

    private List<ManufacturerCrls.Anchor> trustAnchors() {
        List<ManufacturerCrls.Anchor> current = anchors;
        // Reloaded every minute, so a CA (or CRL) registered through another replica is used here soon too.
        if (current == null || clock.millis() - anchorsLoadedAt > 60_000) {
            current = transactions.execute(status -> cas.findAll().stream().map(ManufacturerCrls.Anchor::of).toList());
            anchors = current;
            anchorsLoadedAt = clock.millis();
        }
        return current;
    }
}

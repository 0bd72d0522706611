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
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
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
import org.springframework.transaction.annotation.Transactional;

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
    private volatile Set<TrustAnchor> anchors;
    private volatile long anchorsLoadedAt;

    ManufacturerCaService(ManufacturerCaRepository cas, AuditSink audit, Clock clock) {
        this.cas = cas;
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
     * The endpoints a factory certificate may stand for, if its chain (the device's own
     * certificate first, then any intermediates it sent) validates against a registered
     * manufacturer CA right now: its subject CN and its SAN URIs. Empty when it does not validate.
     */
    @Transactional(readOnly = true)
    public List<String> endpointsVouchedFor(List<X509Certificate> chain) {
        Set<TrustAnchor> trusted = trustAnchors();
        if (chain.isEmpty() || trusted.isEmpty()) {
            return List.of();
        }
        try {
            PKIXParameters parameters = new PKIXParameters(trusted);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            List<X509Certificate> path = chain.stream()
                    .filter(c -> trusted.stream().noneMatch(a -> a.getTrustedCert().equals(c))).toList();
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (GeneralSecurityException e) {
            return List.of();
        }
        return namesOf(chain.get(0));
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

    private Set<TrustAnchor> trustAnchors() {
        Set<TrustAnchor> current = anchors;
        // Reloaded every minute, so a CA registered through another replica is trusted here soon too.
        if (current == null || clock.millis() - anchorsLoadedAt > 60_000) {
            current = cas.findAll().stream().map(ca -> new TrustAnchor(Der.certificate(ca.certificate()), null))
                    .collect(Collectors.toSet());
            anchors = current;
            anchorsLoadedAt = clock.millis();
        }
        return current;
    }
}

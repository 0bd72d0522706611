package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.ImportedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.ca.Pkcs11;
import io.lwm2m.provisioning.ca.RevokedEntry;
import io.lwm2m.provisioning.ca.ServerNames;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import io.lwm2m.provisioning.events.EventSink;
import io.lwm2m.provisioning.persistence.AdvisoryLocks;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The certificate authority: created (or imported, or found in an HSM) exactly once across
 * replicas, its keys sealed in PostgreSQL, every certificate it issues recorded, its CRL built
 * from those records.
 */
@Service
@EnableConfigurationProperties(CaSettings.class)
public class CertificateAuthorityService {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorityService.class);
    private static final String NAME = "default";
    /** Makes creating the CA a once-only step when replicas start together. */
    private static final long CA_LOCK = 0x63614372656174L; // "caCreat"
    private static final Duration CRL_REFRESH = Duration.ofMinutes(10);
    private static final Duration CRL_VALIDITY = Duration.ofDays(1);
    /** Later than any certificate: the keyset start of the newest-first list. */
    private static final Instant PAGE_START = Instant.parse("9999-01-01T00:00:00Z");

    @PersistenceContext
    private EntityManager em;

    private final CaAuthorityRepository authorities;
    private final IssuedCertificateRepository certificates;
    private final IssuedCertificateLookup lookup;
    private final SecretCipher cipher;
    private final SecureRandom random;
    private final TransactionTemplate transactions;
    private final AuditSink audit;
    private final EventSink events;
    private final Clock clock;
    private final CaSettings settings;
    private volatile LoadedCa loaded;
    private volatile CachedCrl cachedCrl;

    CertificateAuthorityService(CaAuthorityRepository authorities, IssuedCertificateRepository certificates,
            IssuedCertificateLookup lookup, SecretCipher cipher, SecureRandom random, TransactionTemplate transactions,
            AuditSink audit, EventSink events, Clock clock, CaSettings settings) {
        this.authorities = authorities;
        this.certificates = certificates;
        this.lookup = lookup;
        this.cipher = cipher;
        this.random = random;
        this.transactions = transactions;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
    }

    /** The chain a relying party needs: issuing CA first, root last. */
    public List<X509Certificate> chain() {
        return ca().chain().certificates();
    }

    /** The root certificate, the trust anchor for everything this CA issues. */
    public X509Certificate root() {
        List<X509Certificate> chain = chain();
        return chain.get(chain.size() - 1);
    }

    /**
     * Issues and records a certificate for {@code subjectKey}: CN = {@code commonName}, and for a
     * device a SAN URI naming its endpoint. Joins the caller's transaction.
     */
    @Transactional
    public X509Certificate issue(PublicKey subjectKey, CertificateProfile.Purpose purpose, String commonName,
            String endpoint, String requestedBy) {
        SignedCertificate signed = sign(subjectKey, purpose, commonName, endpoint);
        record(signed, requestedBy);
        auditIssued(signed.certificate(), purpose, commonName, endpoint, requestedBy);
        return signed.certificate().x509();
    }

    /** A certificate this CA signed and has not recorded yet, with what its record needs. */
    public record SignedCertificate(BuiltCertificate certificate, Long authorityId, String profile, String endpoint,
            Instant signedAt) {
    }

    /**
     * Signs a certificate as {@link #issue} does and writes nothing, so that the signature's CPU time
     * is spent outside any transaction. The caller then must {@link #record} and {@link #auditIssued} it
     * in one transaction before handing it out.
     */
    public SignedCertificate sign(PublicKey subjectKey, CertificateProfile.Purpose purpose, String commonName, String endpoint) {
        LoadedCa ca = ca();
        CertificateProfile profile = profile(purpose);
        Instant now = clock.instant();
        BuiltCertificate certificate = ca.issuer().build(subjectKey, profile, commonName,
                endpoint == null ? null : endpointUri(endpoint), CertificateIssuer.randomSerial(random), now);
        return new SignedCertificate(certificate, ca.authorityId(), profile.name(), endpoint, now);
    }

    /** The record of a certificate {@link #sign} made: the CRL and the certificate list know it from the commit. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void record(SignedCertificate signed, String requestedBy) {
        BuiltCertificate certificate = signed.certificate();
        // persist, not save: the serial is assigned here, and save would SELECT it first to choose merge.
        em.persist(new IssuedCertificate(hex(certificate.serialNumber()), signed.authorityId(), certificate.subject(),
                signed.endpoint(), signed.profile(), certificate.notBefore(), certificate.notAfter(), requestedBy,
                certificate.der(), signed.signedAt()));
    }

    /**
     * A server (serverAuth) certificate for this server's own TLS and DTLS endpoints, carrying
     * {@code names} as subjectAltNames, recorded and audited like every certificate.
     */
    @Transactional
    public X509Certificate issueServer(PublicKey subjectKey, String commonName, ServerNames names, String requestedBy) {
        LoadedCa ca = ca();
        CertificateProfile profile = profile(CertificateProfile.Purpose.SERVER);
        Instant now = clock.instant();
        X509Certificate certificate = ca.issuer().issueServer(subjectKey, profile, commonName, names,
                CertificateIssuer.randomSerial(random), now);
        BuiltCertificate built = BuiltCertificate.of(certificate);
        record(new SignedCertificate(built, ca.authorityId(), profile.name(), null, now), requestedBy);
        auditIssued(built, CertificateProfile.Purpose.SERVER, commonName, null, requestedBy);
        return certificate;
    }

    /**
     * The audit record of a certificate {@link #record}ed in this transaction: the transaction's last
     * statements, since the audit chain stays locked from its first audit record to the commit.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void auditIssued(BuiltCertificate certificate, CertificateProfile.Purpose purpose, String commonName, String endpoint,
            String requestedBy) {
        String serial = hex(certificate.serialNumber());
        audit.record(new AuditEvent(requestedBy, null, "certificate.issue", "certificate:" + serial,
                AuditEvent.Outcome.SUCCESS, null, null, Map.of("subject", commonName, "profile", profile(purpose).name(),
                        "endpoint", endpoint == null ? "" : endpoint)));
        events.publish(CertificateEvents.issued(certificate, endpoint, profile(purpose).name(), requestedBy));
    }

    private CertificateProfile profile(CertificateProfile.Purpose purpose) {
        return purpose == CertificateProfile.Purpose.DEVICE
                ? CertificateProfile.device(settings.deviceValidity()) : CertificateProfile.server(settings.serverValidity());
    }

    /** Revokes a certificate this CA issued; it is in the next CRL. Revoking twice, even at once, changes nothing. */
    @Transactional
    public IssuedCertificate revoke(String serial, int reasonCode, Actor actor) {
        if (reasonCode < 0 || reasonCode > 10 || reasonCode == 7) {
            throw new InvalidInputException("reason", "must be an RFC 5280 CRLReason code (0-6, 8-10)");
        }
        IssuedCertificate certificate = certificates.findLocked(normalise(serial))
                .orElseThrow(() -> new NotFoundException("no certificate with serial " + serial + " was issued here"));
        if (certificate.status() == IssuedCertificate.Status.VALID) {
            certificate.revoke(clock.instant(), reasonCode);
            cachedCrl = null;
            audit.record(actor.event("certificate.revoke", "certificate:" + certificate.serial(), AuditEvent.Outcome.SUCCESS,
                    Map.of("reason", Integer.toString(reasonCode), "endpoint",
                            certificate.endpoint() == null ? "" : certificate.endpoint())));
            events.publish(CertificateEvents.revoked(certificate, reasonCode, actor.name()));
        }
        return certificate;
    }

    @Transactional(readOnly = true)
    public Optional<IssuedCertificate> find(String serial) {
        return certificates.findById(normalise(serial));
    }

    /**
     * Issued certificates newest first, after the one created at {@code before} with serial
     * {@code afterSerial} (both null: from the newest); {@code endpoint} null for all devices.
     */
    @Transactional(readOnly = true)
    public List<IssuedCertificate> page(String endpoint, Instant before, String afterSerial, int limit) {
        Instant at = before == null ? PAGE_START : before;
        String serial = before == null ? "" : afterSerial;
        return endpoint == null ? certificates.pageBefore(at, serial, Limit.of(limit))
                : certificates.pageBeforeForEndpoint(endpoint, at, serial, Limit.of(limit));
    }

    /**
     * What this CA knows of a certificate a peer presents, with one signature check and one lookup: a
     * handshake and an EST request ask both "is it ours" and "is it valid", and checking the signature
     * twice, or our own chain's signatures every time, was a third of an X.509 handshake's CPU
     * (decision 080). The lookup is one plain statement, not a JPA transaction (decision 083).
     */
    public PresentedCertificate examine(X509Certificate certificate) {
        IssuingChain chain = ca().chain();
        if (!chain.namedAsIssuer(certificate)) {
            return PresentedCertificate.FOREIGN; // before the lookup: a factory certificate costs nothing here
        }
        Optional<IssuedCertificate> record = lookup.find(hex(certificate.getSerialNumber()));
        if (record.isEmpty() || !chain.signed(certificate)) {
            return PresentedCertificate.FOREIGN;
        }
        boolean valid = record.get().status() == IssuedCertificate.Status.VALID
                && chain.validAt(certificate, java.util.Date.from(clock.instant()));
        return new PresentedCertificate(record, valid);
    }

    /**
     * Whether the first certificate of {@code path} (the peer's own) was issued by this CA, is within
     * its validity, and is not revoked. The rest of the peer's path is ignored: only our chain counts.
     */
    public boolean isValid(List<X509Certificate> path) {
        return !path.isEmpty() && examine(path.get(0)).valid();
    }

    /**
     * How many certificates recorded as VALID (not revoked) have a notAfter before {@code instant};
     * already expired ones included. For the expiry metric.
     */
    @Transactional(readOnly = true)
    public long countValidNotAfterBefore(Instant instant) {
        return certificates.countValidNotAfterBefore(instant);
    }

    /** The current CRL, rebuilt after a revocation on this replica and every few minutes. */
    public X509CRL crl() {
        CachedCrl cached = cachedCrl;
        Instant now = clock.instant();
        if (cached == null || cached.builtAt().plus(CRL_REFRESH).isBefore(now)) {
            LoadedCa ca = ca();
            cached = transactions.execute(status -> {
                List<RevokedEntry> revoked = certificates.findRevoked(ca.authorityId()).stream()
                        .map(c -> new RevokedEntry(new BigInteger(c.serial(), 16), c.revokedAt(), c.revocationReason()))
                        .toList();
                BigInteger number = BigInteger.valueOf(((Number) em.createNativeQuery("SELECT nextval('ca_crl_number')")
                        .getSingleResult()).longValue());
                return new CachedCrl(ca.issuer().crl(revoked, number, now, now.plus(CRL_VALIDITY)), now);
            });
            cachedCrl = cached;
        }
        return cached.crl();
    }

    /** The SAN URI of a device certificate: the endpoint itself when it is a URI (urn:...), else a urn naming it. */
    public static URI endpointUri(String endpoint) {
        try {
            URI uri = new URI(endpoint);
            if (uri.isAbsolute()) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // not a URI: wrapped below
        }
        return URI.create("urn:lwm2m:endpoint:" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8));
    }

    public static String hex(BigInteger serial) {
        return serial.toString(16);
    }

    /** A serial as this CA stores it: lower-case hex, no colons or leading zeros. */
    public static String normalise(String serial) {
        String s = serial.trim().toLowerCase().replace(":", "");
        return s.replaceFirst("^0+(?=.)", "");
    }

    private LoadedCa ca() {
        LoadedCa ca = loaded;
        if (ca == null) {
            synchronized (this) {
                ca = loaded;
                if (ca == null) {
                    ca = transactions.execute(status -> {
                        AdvisoryLocks.lock(em, CA_LOCK);
                        CaAuthority row = authorities.findByName(NAME).orElseGet(() -> authorities.save(create()));
                        return open(row);
                    });
                    loaded = ca;
                }
            }
        }
        return ca;
    }

    private CaAuthority create() {
        Instant now = clock.instant();
        switch (settings.mode()) {
            case "generate" -> {
                KeyAlgorithm algorithm = settings.algorithm();
                GeneratedCa ca = CaFactory.generate(algorithm, settings.name(), settings.organization(),
                        settings.rootValidity(), settings.issuingValidity(), settings.crlUrl(), random);
                log.info("Created a {} root and issuing CA '{}'", algorithm, settings.name());
                return new CaAuthority(NAME, CaAuthority.Source.GENERATED, algorithm.name(), Pem.certificates(ca.chain()),
                        cipher.seal(ca.issuingKey().getEncoded(), CaAuthority.ISSUING_KEY_CONTEXT),
                        cipher.seal(ca.rootKey().getEncoded(), CaAuthority.ROOT_KEY_CONTEXT), now);
            }
            case "import" -> {
                ImportedCa ca = settings.imported().pkcs12File() != null
                        ? CaFactory.importPkcs12(read(settings.imported().pkcs12File()), settings.imported().pkcs12Password().toCharArray())
                        : CaFactory.importPem(readString(settings.imported().chainFile()), readString(settings.imported().keyFile()));
                KeyAlgorithm algorithm = KeyAlgorithm.of(ca.chain().get(0).getPublicKey());
                log.info("Imported the issuing CA {}", ca.chain().get(0).getSubjectX500Principal().getName());
                return new CaAuthority(NAME, CaAuthority.Source.IMPORTED, algorithm.name(), Pem.certificates(ca.chain()),
                        cipher.seal(ca.issuingKey().getEncoded(), CaAuthority.ISSUING_KEY_CONTEXT), null, now);
            }
            case "pkcs11" -> {
                Pkcs11.Pkcs11Key key = Pkcs11.load(readString(settings.pkcs11().configFile()), settings.pkcs11().pin().toCharArray(),
                        settings.pkcs11().keyAlias());
                log.info("Using the issuing CA key '{}' held in the HSM", settings.pkcs11().keyAlias());
                return new CaAuthority(NAME, CaAuthority.Source.PKCS11, KeyAlgorithm.of(key.chain().get(0).getPublicKey()).name(),
                        Pem.certificates(key.chain()), null, null, now);
            }
            default -> throw new IllegalStateException("provisioning.ca.mode must be generate, import or pkcs11, not '"
                    + settings.mode() + "'");
        }
    }

    private LoadedCa open(CaAuthority row) {
        List<X509Certificate> chain = Pem.parseCertificates(row.chainPem());
        PrivateKey key;
        Provider provider = null;
        if (row.source() == CaAuthority.Source.PKCS11) {
            Pkcs11.Pkcs11Key hsm = Pkcs11.load(readString(settings.pkcs11().configFile()), settings.pkcs11().pin().toCharArray(),
                    settings.pkcs11().keyAlias());
            key = hsm.key();
            provider = hsm.provider();
        } else {
            byte[] pkcs8 = cipher.open(row.issuingKey(), CaAuthority.ISSUING_KEY_CONTEXT);
            try {
                key = KeyFactory.getInstance(chain.get(0).getPublicKey().getAlgorithm())
                        .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the stored CA key cannot be read", e);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
        return new LoadedCa(row.id(), IssuingChain.of(chain), new CertificateIssuer(chain.get(0), key, provider, settings.crlUrl(), random));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String readString(Path file) {
        return new String(read(file), StandardCharsets.UTF_8);
    }

    private record LoadedCa(Long authorityId, IssuingChain chain, CertificateIssuer issuer) {
    }

    private record CachedCrl(X509CRL crl, Instant builtAt) {
    }
}

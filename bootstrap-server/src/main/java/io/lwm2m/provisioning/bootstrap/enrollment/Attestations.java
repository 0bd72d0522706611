package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.springframework.stereotype.Component;

/**
 * Which group's trust anchor an authenticated identity holds: a PSK identity with a symmetric-key
 * group's prefix (its handshake proved the derived key), or a certificate chain a registered
 * manufacturer CA of an X.509 group vouches for (valid now, listed by no CRL held).
 */
@Component
class Attestations {

    private final GroupDirectory directory;
    private final ManufacturerCaService manufacturers;

    Attestations(GroupDirectory directory, ManufacturerCaService manufacturers) {
        this.directory = directory;
        this.manufacturers = manufacturers;
    }

    /** The group and endpoint the identity attests; empty when no group covers it. */
    Optional<Attested> of(ClientIdentity identity) {
        return switch (identity.mode()) {
            case PSK -> directory.symmetricFor(identity.pskIdentity()).map(group -> symmetric(group, identity.pskIdentity()));
            case X509 -> certificate(identity.chain().isEmpty() ? List.of(identity.certificate()) : identity.chain());
            default -> Optional.empty();
        };
    }

    private static Attested symmetric(GroupDirectory.SymmetricGroup group, String pskIdentity) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("mechanism", EnrollmentGroup.Mechanism.SYMMETRIC_KEY.name());
        facts.put("pskIdentity", pskIdentity);
        return new Attested(group.id(), group.name(), EnrollmentGroup.Mechanism.SYMMETRIC_KEY,
                pskIdentity.substring(group.prefix().length()), Map.of(), facts);
    }

    private Optional<Attested> certificate(List<X509Certificate> chain) {
        ManufacturerCaService.Vouching vouching = manufacturers.vouch(chain);
        if (vouching.status() != ManufacturerCaService.Vouching.Status.VOUCHED) {
            return Optional.empty();
        }
        return directory.x509For(vouching.manufacturerCa()).map(group -> {
            X509Certificate device = chain.get(0);
            Map<String, String> subject = attributes(device.getSubjectX500Principal());
            List<String> uris = sanUris(device);
            String endpoint = group.endpointFrom() == EnrollmentGroup.EndpointFrom.SAN_URI
                    ? (uris.isEmpty() ? "" : uris.get(0)) : subject.getOrDefault("CN", "");
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("mechanism", EnrollmentGroup.Mechanism.X509.name());
            facts.put("manufacturerCa", vouching.manufacturerCa());
            facts.put("subject", device.getSubjectX500Principal().getName());
            facts.put("subjectAttributes", subject);
            facts.put("sanUris", uris);
            facts.put("issuer", device.getIssuerX500Principal().getName());
            facts.put("serial", CertificateAuthorityService.hex(device.getSerialNumber()));
            facts.put("notBefore", device.getNotBefore().toInstant().toString());
            facts.put("notAfter", device.getNotAfter().toInstant().toString());
            return new Attested(group.id(), group.name(), EnrollmentGroup.Mechanism.X509, endpoint, subject, facts);
        });
    }

    /** The subject's attributes by their usual names (the last of a repeated one wins). */
    static Map<String, String> attributes(X500Principal principal) {
        Map<String, String> attributes = new LinkedHashMap<>();
        try {
            String name = principal.getName(X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER"));
            for (Rdn rdn : new LdapName(name).getRdns()) {
                attributes.put(rdn.getType().toUpperCase(java.util.Locale.ROOT), String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // A subject the JDK printed but cannot read back: no attributes to go by.
        }
        return attributes;
    }

    private static List<String> sanUris(X509Certificate certificate) {
        List<String> uris = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                certificate.getSubjectAlternativeNames().stream()
                        .filter(san -> (Integer) san.get(0) == 6) // uniformResourceIdentifier
                        .map(san -> (String) san.get(1)).forEach(uris::add);
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN: none
        }
        return uris;
    }
}

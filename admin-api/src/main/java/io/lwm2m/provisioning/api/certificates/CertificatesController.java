package io.lwm2m.provisioning.api.certificates;

import io.lwm2m.provisioning.api.openapi.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.RevocationReasons;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/certificates}: what the CA issued (every role reads it), and revocation (security officers). */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/certificates")
class CertificatesController {

    /** RFC 5280 CRLReason names accepted by revoke. */
    private final CertificateAuthorityService ca;
    private final CredentialLifecycle credentials;

    CertificatesController(CertificateAuthorityService ca, CredentialLifecycle credentials) {
        this.ca = ca;
        this.credentials = credentials;
    }

    /** Newest first, a page at a time; {@code endpoint} narrows it to one device's certificates. */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listCertificates", summary = "List the certificates the CA issued, newest first")
    ResponseEntity<List<CertificateResponse>> list(@RequestParam(required = false) String endpoint,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        String key = Pages.key(cursor);
        Instant before = null;
        String serial = null;
        if (key != null) {
            int bar = key.indexOf('|');
            try {
                before = Instant.parse(key.substring(0, Math.max(bar, 0)));
            } catch (java.time.format.DateTimeParseException e) {
                throw Pages.badCursor();
            }
            serial = key.substring(bar + 1);
        }
        return Pages.of(ca.page(endpoint, before, serial, size + 1).stream().map(CertificateResponse::of).toList(), size,
                c -> c.createdAt() + "|" + c.serial());
    }

    @GetMapping("/{serial}")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getCertificate", summary = "Read an issued certificate by serial")
    CertificateResponse get(@PathVariable String serial) {
        return ca.find(serial).map(CertificateResponse::of)
                .orElseThrow(() -> new NotFoundException("no certificate with serial " + serial + " was issued here"));
    }

    /**
     * Revokes a certificate: it is listed in the next CRL, and a device credential holding it no
     * longer authenticates. Body: {@code {"reason":"keyCompromise"}} (default unspecified).
     */
    @PostMapping("/{serial}/revoke")
    @Operation(id = "revokeCertificate", summary = "Revoke a certificate by serial (and the credential holding it)", errors = 409)
    CertificateResponse revoke(@PathVariable String serial, @RequestBody(required = false) RevokeRequest body,
            HttpServletRequest request) {
        int reason = RevocationReasons.code(body == null ? null : body.reason(), RevocationReasons.CERTIFICATE);
        return CertificateResponse.of(credentials.revokeCertificate(serial, reason, ApiActors.current(request)));
    }

    record RevokeRequest(String reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CertificateResponse(String serial, String subject, String endpoint, String profile, Instant notBefore,
            Instant notAfter, String status, Instant revokedAt, Integer revocationReason, String requestedBy,
            Instant createdAt) {

        static CertificateResponse of(IssuedCertificate c) {
            return new CertificateResponse(c.serial(), c.subject(), c.endpoint(), c.profile(), c.notBefore(), c.notAfter(),
                    c.status().name(), c.revokedAt(), c.revocationReason(), c.requestedBy(), c.createdAt());
        }
    }
}

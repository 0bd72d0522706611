package io.lwm2m.provisioning.console.certificates;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.RevocationReasons;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.IssuedCertificate;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /console/certificates}: what the CA issued (by device, newest first), revoking by serial after a
 * confirmation, the CA chain and CRL (the public downloads of the API) with the serials the current CRL
 * lists, and the manufacturer CAs that vouch for factory certificates.
 */
@Controller
class CertificatesPageController {

    private static final int PAGE = 50;

    private final CertificateAuthorityService ca;
    private final CredentialLifecycle credentials;
    private final ManufacturerCaService manufacturers;

    CertificatesPageController(CertificateAuthorityService ca, CredentialLifecycle credentials, ManufacturerCaService manufacturers) {
        this.ca = ca;
        this.credentials = credentials;
        this.manufacturers = manufacturers;
    }

    /** One certificate of the CA's chain. */
    record CaCertificate(String role, String subject, Instant notAfter) {
    }

    /** A serial the current CRL lists, with when and why. */
    record Revoked(String serial, Instant at, String reason) {
    }

    @GetMapping("/console/certificates")
    @PreAuthorize(Roles.ANY)
    String list(@RequestParam(required = false) String endpoint, @RequestParam(required = false) String cursor, Model model) {
        String key = Pages.key(cursor);
        Instant before = null;
        String afterSerial = null;
        if (key != null) {
            int bar = key.indexOf('|');
            try {
                before = Instant.parse(key.substring(0, Math.max(bar, 0)));
            } catch (java.time.format.DateTimeParseException e) {
                throw Pages.badCursor();
            }
            afterSerial = key.substring(bar + 1);
        }
        String device = endpoint == null || endpoint.isBlank() ? null : endpoint.trim();
        List<IssuedCertificate> page = ca.page(device, before, afterSerial, PAGE + 1);
        model.addAttribute("certificates", page.size() > PAGE ? page.subList(0, PAGE) : page);
        model.addAttribute("next", page.size() > PAGE
                ? Pages.cursor(page.get(PAGE - 1).createdAt() + "|" + page.get(PAGE - 1).serial()) : null);
        model.addAttribute("endpoint", device);
        model.addAttribute("chain", chain(ca.chain()));
        model.addAttribute("crl", revoked(ca.crl()));
        model.addAttribute("manufacturers", manufacturers.list());
        model.addAttribute("problems", List.of());
        return "console/certificates";
    }

    @GetMapping("/console/certificates/{serial}/revoke")
    @PreAuthorize(Roles.SECURITY)
    String confirm(@PathVariable String serial, Model model) {
        model.addAttribute("certificate", ca.find(serial)
                .orElseThrow(() -> new NotFoundException("no certificate with serial " + serial + " was issued here")));
        model.addAttribute("reasons", RevocationReasons.CERTIFICATE.keySet());
        return "console/certificate-revoke";
    }

    @PostMapping("/console/certificates/{serial}/revoke")
    @PreAuthorize(Roles.SECURITY)
    String revoke(@PathVariable String serial, @RequestParam(required = false) String reason, HttpServletRequest request,
            RedirectAttributes redirect) {
        int code = RevocationReasons.code(reason == null || reason.isBlank() ? null : reason, RevocationReasons.CERTIFICATE);
        credentials.revokeCertificate(serial, code, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Certificate " + serial + " is revoked; the CRL lists it.");
        return "redirect:/console/certificates";
    }

    @PostMapping("/console/manufacturer-cas")
    @PreAuthorize(Roles.SECURITY)
    String register(@RequestParam String name, @RequestParam String certificate, HttpServletRequest request,
            HttpServletResponse response, Model model, RedirectAttributes redirect) {
        try {
            manufacturers.register(name, certificate, ApiActors.current(request));
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return again(e.problems(), name, model);
        } catch (ConflictException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            return again(List.of(new FieldProblem(e.field(), e.getMessage())), name, model);
        }
        redirect.addFlashAttribute("notice", "Manufacturer CA " + name + " registered.");
        return "redirect:/console/certificates";
    }

    @PostMapping("/console/manufacturer-cas/{name}/remove")
    @PreAuthorize(Roles.SECURITY)
    String remove(@PathVariable String name, HttpServletRequest request, RedirectAttributes redirect) {
        manufacturers.remove(name, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Manufacturer CA " + name + " removed.");
        return "redirect:/console/certificates";
    }

    private String again(List<FieldProblem> problems, String name, Model model) {
        list(null, null, model);
        model.addAttribute("problems", problems);
        model.addAttribute("manufacturerName", name);
        return "console/certificates";
    }

    private static List<CaCertificate> chain(List<X509Certificate> chain) {
        List<CaCertificate> shown = new java.util.ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            shown.add(new CaCertificate(i == 0 ? "issuing CA" : i == chain.size() - 1 ? "root" : "intermediate",
                    c.getSubjectX500Principal().getName(), c.getNotAfter().toInstant()));
        }
        return shown;
    }

    private static List<Revoked> revoked(X509CRL crl) {
        Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
        if (entries == null) {
            return List.of();
        }
        return entries.stream()
                .map(e -> new Revoked(CertificateAuthorityService.hex(e.getSerialNumber()), e.getRevocationDate().toInstant(),
                        e.getRevocationReason() == null ? "unspecified" : e.getRevocationReason().name()))
                .sorted(Comparator.comparing(Revoked::at).reversed())
                .toList();
    }
}

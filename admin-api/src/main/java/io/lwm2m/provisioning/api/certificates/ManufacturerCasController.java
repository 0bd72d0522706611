package io.lwm2m.provisioning.api.certificates;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.certificates.ManufacturerCa;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.crypto.Der;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/manufacturer-cas}: the CAs whose factory certificates identify pre-registered
 * devices (by subject CN or SAN URI = endpoint) that were registered with
 * {@code "bootstrapCredential":{"mode":"X509","factory":true}}. Managed by security officers; read by every role.
 */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/manufacturer-cas")
class ManufacturerCasController {

    private final ManufacturerCaService cas;

    ManufacturerCasController(ManufacturerCaService cas) {
        this.cas = cas;
    }

    @PostMapping
    @Operation(id = "registerManufacturerCa", summary = "Register a manufacturer CA that signs factory certificates",
            success = 201, errors = 409)
    ResponseEntity<Response> register(@RequestBody Request body, HttpServletRequest request) {
        ManufacturerCa ca = cas.register(body.name(), body.certificate(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/manufacturer-cas/" + ca.name())).body(Response.of(ca));
    }

    /** The manufacturer CAs by name, a page at a time. */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listManufacturerCas", summary = "List the manufacturer CAs")
    ResponseEntity<List<Response>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return Pages.ofAll(cas.list().stream().map(Response::of).toList(), limit, cursor, Response::name);
    }

    /**
     * The CA's current CRL (DER as {@code application/pkix-crl}, or PEM as {@code application/x-pem-file}):
     * a factory certificate it lists is refused from then on. It must be signed by that CA.
     */
    @PutMapping(value = "/{name}/crl", consumes = {"application/pkix-crl", "application/x-pem-file"})
    @Operation(id = "replaceManufacturerCaCrl",
            summary = "Replace a manufacturer CA's CRL (signed by that CA); the certificates it lists are refused from then on")
    Response replaceCrl(@PathVariable String name, @RequestBody byte[] crl, HttpServletRequest request) {
        return Response.of(cas.replaceCrl(name, crl, ApiActors.current(request)));
    }

    @DeleteMapping("/{name}")
    @Operation(id = "removeManufacturerCa", summary = "Remove a manufacturer CA", success = 204)
    ResponseEntity<Void> remove(@PathVariable String name, HttpServletRequest request) {
        cas.remove(name, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    record Request(@Required String name, @Required String certificate) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Response(String name, String subject, Instant notAfter, String certificate, Instant createdAt, Instant crlThisUpdate,
            Instant crlNextUpdate) {
        static Response of(ManufacturerCa ca) {
            return new Response(ca.name(), ca.subject(), ca.notAfter(), Pem.certificate(Der.certificate(ca.certificate())),
                    ca.createdAt(), ca.crlThisUpdate(), ca.crlNextUpdate());
        }
    }
}

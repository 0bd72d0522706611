package io.lwm2m.provisioning.api.certificates;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/ca}: the CA's public material, served without an API key (relying parties and
 * devices fetch it; the CRL URL is the one every certificate's CRL distribution point names).
 */
@RestController
@RequestMapping("/api/v1/ca")
class CaController {

    static final MediaType PEM_CHAIN = MediaType.parseMediaType("application/pem-certificate-chain");
    static final MediaType PKIX_CRL = MediaType.parseMediaType("application/pkix-crl");
    static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");

    private final CertificateAuthorityService ca;

    CaController(CertificateAuthorityService ca) {
        this.ca = ca;
    }

    /** The chain, issuing CA first and root last, as PEM. */
    @GetMapping("/certificates")
    @Operation(id = "getCaCertificates", summary = "The CA chain as PEM, issuing CA first")
    ResponseEntity<String> certificates() {
        return ResponseEntity.ok().contentType(PEM_CHAIN).body(Pem.certificates(ca.chain()));
    }

    /** The current CRL: DER by default, PEM when the client accepts {@code application/x-pem-file} or text. */
    @GetMapping("/crl")
    @Operation(id = "getCrl", summary = "The current CRL, DER or PEM")
    ResponseEntity<byte[]> crl(@RequestHeader(value = "Accept", required = false) String accept) throws CRLException {
        X509CRL crl = ca.crl();
        boolean pem = accept != null && (accept.contains("application/x-pem-file") || accept.contains("text/plain"));
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .contentType(pem ? PEM : PKIX_CRL)
                .body(pem ? Pem.crl(crl).getBytes(java.nio.charset.StandardCharsets.US_ASCII) : crl.getEncoded());
    }
}

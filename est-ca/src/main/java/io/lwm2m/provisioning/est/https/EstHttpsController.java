package io.lwm2m.provisioning.est.https;

import io.lwm2m.provisioning.est.Enrollment;
import io.lwm2m.provisioning.est.EstEncoding;
import io.lwm2m.provisioning.est.EstException;
import io.lwm2m.provisioning.est.EstIdentity;
import io.lwm2m.provisioning.est.EstOperation;
import io.lwm2m.provisioning.est.EstService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * EST over HTTPS (RFC 7030): {@code cacerts}, {@code simpleenroll}, {@code simplereenroll},
 * {@code serverkeygen} and {@code csrattrs} under {@code /.well-known/est[/<label>]/}. Bodies are
 * base64 DER both ways (RFC 8951: any Content-Transfer-Encoding header is ignored, whitespace in the
 * base64 is tolerated); refusals are text naming the rule. The app serves these paths only on the
 * EST connector (its own TLS port, client certificate wanted), never on the API port. Answers are
 * written to the response directly: RFC 7030 clients get these media types whatever they Accept.
 */
@RestController
public class EstHttpsController {

    /** RFC 7030 §3.2.2: the operations' path prefix. */
    public static final String BASE = "/.well-known/est";
    private static final Logger log = LoggerFactory.getLogger(EstHttpsController.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
    /** Where a servlet container puts the TLS client's certificate chain (Servlet 6, §3.10). */
    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final EstService est;

    EstHttpsController(EstService est) {
        this.est = est;
    }

    /** Whether {@code path} (decoded, normalised) is one of EST's, and so served on the EST port only. */
    public static boolean serves(String path) {
        return path.equals(BASE) || path.startsWith(BASE + "/");
    }

    @RequestMapping({BASE + "/{operation}", BASE + "/{label}/{operation}"})
    void operation(@PathVariable(required = false) String label, @PathVariable("operation") String name,
            HttpServletRequest request, HttpServletResponse response) throws IOException {
        EstOperation operation = operation(name);
        if (operation == null) {
            text(response, 404, "operation: '" + name + "' is not one of cacerts, simpleenroll, simplereenroll, serverkeygen, "
                    + "csrattrs");
            return;
        }
        boolean get = operation == EstOperation.CA_CERTS || operation == EstOperation.CSR_ATTRS;
        if (!request.getMethod().equals(get ? "GET" : "POST")) {
            response.setHeader("Allow", get ? "GET" : "POST");
            text(response, 405, "method: " + operation.httpName() + " takes " + (get ? "GET" : "POST"));
            return;
        }
        try {
            switch (operation) {
                case CA_CERTS -> base64(response, CERTS_ONLY, EstEncoding.certsOnly(est.caCertificates()));
                case CSR_ATTRS -> base64(response, "application/csrattrs", est.csrAttributes(identity(request), label));
                default -> enroll(request, response, label, operation);
            }
        } catch (EstException e) {
            text(response, switch (e.status()) {
                case BAD_REQUEST -> 400;
                case UNAUTHENTICATED -> 401;
                case FORBIDDEN -> 403;
                case NOT_FOUND -> 404;
            }, e.getMessage());
        } catch (RuntimeException e) {
            log.error("EST over HTTPS failed", e);
            text(response, 500, "internal: the request could not be completed");
        }
    }

    /** Any other path under the prefix: no operation named, or more than a label and an operation. */
    @RequestMapping(BASE + "/**")
    void unknownPath(HttpServletResponse response) throws IOException {
        text(response, 404, "path: expected " + BASE + "/[<label>/]<operation>");
    }

    private void enroll(HttpServletRequest request, HttpServletResponse response, String label, EstOperation operation)
            throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/pkcs10")) {
            text(response, 415, "content-type: the request must be application/pkcs10, not " + type);
            return;
        }
        byte[] body = readBody(request);
        if (body == null) {
            text(response, 413, "size: the request body exceeds " + MAX_BODY + " bytes");
            return;
        }
        byte[] csr;
        try {
            csr = Base64.getDecoder().decode(new String(body, StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            text(response, 400, "csr.malformed: the body is not base64 (RFC 7030 §4.2.1)");
            return;
        }
        Enrollment enrollment = est.enroll(identity(request), label, operation, csr);
        if (enrollment.isPending()) {
            response.setHeader("Retry-After", Long.toString(enrollment.retryAfter().toSeconds()));
            text(response, 202, "approval: the request waits for an operator's approval; send it again later");
            return;
        }
        byte[] certsOnly = EstEncoding.certsOnly(enrollment.certificate());
        if (!operation.serverKeyGeneration()) {
            base64(response, CERTS_ONLY, certsOnly);
            return;
        }
        // RFC 7030 §4.4.2: multipart/mixed with the private key (PKCS#8) and the certificate.
        String boundary = "est-" + Long.toHexString(System.nanoTime());
        String multipart = "--" + boundary + "\r\n"
                + "Content-Type: application/pkcs8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(enrollment.privateKey()) + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: " + CERTS_ONLY + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(certsOnly) + "\r\n"
                + "--" + boundary + "--\r\n";
        send(response, 200, "multipart/mixed; boundary=" + boundary, multipart.getBytes(StandardCharsets.US_ASCII), false);
    }

    private static EstOperation operation(String name) {
        for (EstOperation operation : EstOperation.values()) {
            if (name.equals(operation.httpName())) {
                return operation;
            }
        }
        return null;
    }

    /** The TLS client's certificate chain, if it presented one (the connector wants one, never needs one). */
    private static EstIdentity identity(HttpServletRequest request) {
        String peer = request.getRemoteAddr() + ":" + request.getRemotePort();
        X509Certificate[] chain = (X509Certificate[]) request.getAttribute(CLIENT_CERTIFICATES);
        return chain == null || chain.length == 0 ? EstIdentity.none(peer) : EstIdentity.certificate(List.of(chain), peer);
    }

    /** The body, or null when it exceeds {@link #MAX_BODY}. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        InputStream in = request.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static void base64(HttpServletResponse response, String type, byte[] der) throws IOException {
        send(response, 200, type, Base64.getMimeEncoder().encode(der), true);
    }

    private static void text(HttpServletResponse response, int status, String message) throws IOException {
        send(response, status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpServletResponse response, int status, String type, byte[] body, boolean base64)
            throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        if (base64) {
            response.setHeader("Content-Transfer-Encoding", "base64");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

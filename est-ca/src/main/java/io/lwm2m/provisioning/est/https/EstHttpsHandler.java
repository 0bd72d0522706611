package io.lwm2m.provisioning.est.https;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.lwm2m.provisioning.est.Enrollment;
import io.lwm2m.provisioning.est.EstEncoding;
import io.lwm2m.provisioning.est.EstException;
import io.lwm2m.provisioning.est.EstIdentity;
import io.lwm2m.provisioning.est.EstOperation;
import io.lwm2m.provisioning.est.EstService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 7030 operations under {@code /.well-known/est[/<label>]/}: {@code cacerts},
 * {@code simpleenroll}, {@code simplereenroll}, {@code serverkeygen}, {@code csrattrs}. Bodies are
 * base64 DER both ways (RFC 8951: any Content-Transfer-Encoding header is ignored, whitespace in the
 * base64 is tolerated).
 */
final class EstHttpsHandler implements HttpHandler {

    static final String BASE = "/.well-known/est/";
    private static final Logger log = LoggerFactory.getLogger(EstHttpsHandler.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";

    private final EstService est;

    EstHttpsHandler(EstService est) {
        this.est = est;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] segments = exchange.getRequestURI().getPath().substring(BASE.length()).split("/");
            if (segments.length == 0 || segments.length > 2 || segments[segments.length - 1].isEmpty()) {
                text(exchange, 404, "path: expected /.well-known/est/[<label>/]<operation>");
                return;
            }
            String label = segments.length == 2 ? segments[0] : null;
            EstOperation operation = operation(segments[segments.length - 1]);
            if (operation == null) {
                text(exchange, 404, "operation: '" + segments[segments.length - 1] + "' is not one of cacerts, simpleenroll, "
                        + "simplereenroll, serverkeygen, csrattrs");
                return;
            }
            boolean get = operation == EstOperation.CA_CERTS || operation == EstOperation.CSR_ATTRS;
            if (!exchange.getRequestMethod().equals(get ? "GET" : "POST")) {
                exchange.getResponseHeaders().set("Allow", get ? "GET" : "POST");
                text(exchange, 405, "method: " + operation.httpName() + " takes " + (get ? "GET" : "POST"));
                return;
            }
            try {
                switch (operation) {
                    case CA_CERTS -> base64(exchange, 200, CERTS_ONLY, EstEncoding.certsOnly(est.caCertificates()));
                    case CSR_ATTRS -> base64(exchange, 200, "application/csrattrs", est.csrAttributes(identity(exchange), label));
                    default -> enroll(exchange, label, operation);
                }
            } catch (EstException e) {
                text(exchange, switch (e.status()) {
                    case BAD_REQUEST -> 400;
                    case UNAUTHENTICATED -> 401;
                    case FORBIDDEN -> 403;
                    case NOT_FOUND -> 404;
                }, e.getMessage());
            }
        } catch (RuntimeException e) {
            log.error("EST over HTTPS failed", e);
            text(exchange, 500, "internal: the request could not be completed");
        }
    }

    private void enroll(HttpExchange exchange, String label, EstOperation operation) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/pkcs10")) {
            text(exchange, 415, "content-type: the request must be application/pkcs10, not " + type);
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            text(exchange, 413, "size: the request body exceeds " + MAX_BODY + " bytes");
            return;
        }
        byte[] csr;
        try {
            csr = Base64.getDecoder().decode(new String(body, StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            text(exchange, 400, "csr.malformed: the body is not base64 (RFC 7030 §4.2.1)");
            return;
        }
        Enrollment enrollment = est.enroll(identity(exchange), label, operation, csr);
        if (enrollment.isPending()) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(enrollment.retryAfter().toSeconds()));
            text(exchange, 202, "approval: the request waits for an operator's approval; send it again later");
            return;
        }
        byte[] certsOnly = EstEncoding.certsOnly(List.of(enrollment.certificate()));
        if (!operation.serverKeyGeneration()) {
            base64(exchange, 200, CERTS_ONLY, certsOnly);
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
        send(exchange, 200, "multipart/mixed; boundary=" + boundary, multipart.getBytes(StandardCharsets.US_ASCII), false);
    }

    private static EstOperation operation(String name) {
        for (EstOperation operation : EstOperation.values()) {
            if (name.equals(operation.httpName())) {
                return operation;
            }
        }
        return null;
    }

    private static EstIdentity identity(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        String peer = remote.getAddress().getHostAddress() + ":" + remote.getPort();
        try {
            Certificate[] chain = ((HttpsExchange) exchange).getSSLSession().getPeerCertificates();
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : chain) {
                certificates.add((X509Certificate) c);
            }
            return certificates.isEmpty() ? EstIdentity.none(peer) : EstIdentity.certificate(certificates, peer);
        } catch (SSLPeerUnverifiedException e) {
            return EstIdentity.none(peer);
        }
    }

    /** The body, or null when it exceeds {@link #MAX_BODY}. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
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
    }

    private static void base64(HttpExchange exchange, int status, String type, byte[] der) throws IOException {
        send(exchange, status, type, Base64.getMimeEncoder().encode(der), true);
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean base64) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        if (base64) {
            exchange.getResponseHeaders().set("Content-Transfer-Encoding", "base64");
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

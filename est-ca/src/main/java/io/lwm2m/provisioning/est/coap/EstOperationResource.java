package io.lwm2m.provisioning.est.coap;

import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.est.Enrollment;
import io.lwm2m.provisioning.est.EstEncoding;
import io.lwm2m.provisioning.est.EstException;
import io.lwm2m.provisioning.est.EstIdentity;
import io.lwm2m.provisioning.est.EstOperation;
import io.lwm2m.provisioning.est.EstService;
import io.lwm2m.provisioning.logging.ThrottledLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One EST-coaps operation (RFC 9148 §4.1), optionally under a label. */
final class EstOperationResource extends CoapResource {

    private static final Logger log = LoggerFactory.getLogger(EstOperationResource.class);
    /** A peer can make a request fail at will (a database outage, too): one line at most every 10 s. */
    private final ThrottledLog failures = new ThrottledLog(log, java.time.Duration.ofSeconds(10));
    private static final int NONE = MediaTypeRegistry.UNDEFINED;

    private final EstService est;
    private final EstOperation operation;
    private final String label;

    EstOperationResource(EstService est, EstOperation operation, String label, boolean visible) {
        super(operation.coapName(), visible);
        this.est = est;
        this.operation = operation;
        this.label = label;
        getAttributes().addResourceType("ace.est." + operation.coapName());
        for (int format : responseFormats(operation)) {
            getAttributes().addContentType(format);
        }
    }

    /** What the operation can answer with, the default first. */
    private static List<Integer> responseFormats(EstOperation operation) {
        return switch (operation) {
            case CA_CERTS, SIMPLE_ENROLL, SIMPLE_REENROLL -> List.of(EstEncoding.PKCS7_CERTS_ONLY, EstEncoding.PKIX_CERT);
            case SERVER_KEYGEN, SERVER_KEYGEN_CERT -> List.of(EstEncoding.MULTIPART_CORE);
            case CSR_ATTRS -> List.of(EstEncoding.CSR_ATTRS);
        };
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        if (operation != EstOperation.CA_CERTS && operation != EstOperation.CSR_ATTRS) {
            exchange.respond(ResponseCode.METHOD_NOT_ALLOWED);
            return;
        }
        Integer accept = acceptable(exchange);
        if (accept == null) {
            return;
        }
        try {
            if (operation == EstOperation.CA_CERTS) {
                List<X509Certificate> chain = est.caCertificates();
                respond(exchange, ResponseCode.CONTENT, accept,
                        accept == EstEncoding.PKIX_CERT ? Der.encoded(chain.get(0)) : EstEncoding.certsOnly(chain));
            } else {
                respond(exchange, ResponseCode.CONTENT, accept, est.csrAttributes(identity(exchange), label));
            }
        } catch (EstException e) {
            refuse(exchange, e);
        } catch (RuntimeException e) {
            failed(exchange, e);
        }
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        if (operation == EstOperation.CA_CERTS || operation == EstOperation.CSR_ATTRS) {
            exchange.respond(ResponseCode.METHOD_NOT_ALLOWED);
            return;
        }
        int format = exchange.getRequestOptions().getContentFormat();
        if (format != EstEncoding.PKCS10) {
            diagnostic(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "content-format: the request must be "
                    + "application/pkcs10 (286), not " + (format == NONE ? "absent" : format));
            return;
        }
        Integer accept = acceptable(exchange);
        if (accept == null) {
            return;
        }
        try {
            Enrollment enrollment = est.enroll(identity(exchange), label, operation, exchange.getRequestPayload());
            if (enrollment.isPending()) {
                // RFC 9148 §5: 5.03 with Max-Age; the client sends the same request again later.
                Response response = new Response(ResponseCode.SERVICE_UNAVAILABLE);
                response.getOptions().setMaxAge(enrollment.retryAfter().toSeconds());
                response.setPayload("approval: the request waits for an operator's approval; send it again later");
                response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
                exchange.respond(response);
                return;
            }
            byte[] certificate = enrollment.certificate().der();
            switch (operation) {
                case SERVER_KEYGEN -> respond(exchange, ResponseCode.CHANGED, accept, EstEncoding.multipartCore(
                        EstEncoding.PKCS8, enrollment.privateKey(), EstEncoding.PKCS7_CERTS_ONLY,
                        EstEncoding.certsOnly(enrollment.certificate())));
                case SERVER_KEYGEN_CERT -> respond(exchange, ResponseCode.CHANGED, accept, EstEncoding.multipartCore(
                        EstEncoding.PKCS8, enrollment.privateKey(), EstEncoding.PKIX_CERT, certificate));
                default -> respond(exchange, ResponseCode.CHANGED, accept,
                        accept == EstEncoding.PKIX_CERT ? certificate : EstEncoding.certsOnly(enrollment.certificate()));
            }
        } catch (EstException e) {
            refuse(exchange, e);
        } catch (RuntimeException e) {
            failed(exchange, e);
        }
    }

    /** The response format the client accepts (the default when it names none); null after answering 4.06. */
    private Integer acceptable(CoapExchange exchange) {
        int accept = exchange.getRequestOptions().getAccept();
        List<Integer> formats = responseFormats(operation);
        if (accept == NONE) {
            return formats.get(0);
        }
        if (!Set.copyOf(formats).contains(accept)) {
            diagnostic(exchange, ResponseCode.NOT_ACCEPTABLE, "accept: " + operation.coapName() + " answers with "
                    + formats + ", not " + accept);
            return null;
        }
        return accept;
    }

    static EstIdentity identity(CoapExchange exchange) {
        Request request = exchange.advanced().getRequest();
        EndpointContext context = request.getSourceContext();
        InetSocketAddress address = context.getPeerAddress();
        String peer = address.getAddress().getHostAddress() + ":" + address.getPort();
        Principal principal = context.getPeerIdentity();
        if (principal instanceof X509CertPath path) {
            @SuppressWarnings("unchecked")
            List<X509Certificate> chain = (List<X509Certificate>) path.getPath().getCertificates();
            return EstIdentity.certificate(chain, peer);
        }
        if (principal instanceof PreSharedKeyIdentity psk) {
            return EstIdentity.psk(psk.getIdentity(), peer);
        }
        if (principal instanceof RawPublicKeyIdentity rpk) {
            return EstIdentity.rpk(rpk.getKey().getEncoded(), peer);
        }
        return EstIdentity.none(peer);
    }

    private static void respond(CoapExchange exchange, ResponseCode code, int format, byte[] payload) {
        // A client that sent its CSR in small blocks gets the answer in blocks of that size too
        // (RFC 7959 §2.3 late negotiation), as if it had asked with Block2 num 0: a constrained
        // device chose that size for a reason. Californium's blockwise layer then serves Block2.
        BlockOption block1 = exchange.advanced().getBlock1ToAck();
        Request request = exchange.advanced().getRequest();
        if (block1 != null && !request.getOptions().hasBlock2() && payload.length > block1.getSize()) {
            request.getOptions().setBlock2(block1.getSzx(), false, 0);
        }
        exchange.respond(code, payload, format);
    }

    private static void refuse(CoapExchange exchange, EstException e) {
        ResponseCode code = switch (e.status()) {
            case BAD_REQUEST -> ResponseCode.BAD_REQUEST;
            case UNAUTHENTICATED -> ResponseCode.UNAUTHORIZED;
            case FORBIDDEN -> ResponseCode.FORBIDDEN;
            case NOT_FOUND -> ResponseCode.NOT_FOUND;
        };
        diagnostic(exchange, code, e.getMessage());
    }

    private void failed(CoapExchange exchange, RuntimeException e) {
        failures.warn("EST " + operation.coapName() + " failed unexpectedly; answered 5.00", e);
        diagnostic(exchange, ResponseCode.INTERNAL_SERVER_ERROR, "internal: the request could not be completed");
    }

    /** An error with its diagnostic payload (RFC 7252 §5.5.2: UTF-8 text, no Content-Format needed). */
    private static void diagnostic(CoapExchange exchange, ResponseCode code, String message) {
        Response response = new Response(code);
        response.setPayload(message.getBytes(StandardCharsets.UTF_8));
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        exchange.respond(response);
    }
}

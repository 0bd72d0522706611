package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapDecision;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapRequest;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.logging.ThrottledLog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/** {@code /bs}: the Bootstrap-Request (LwM2M Transport §6.1, {@code POST /bs?ep=..&pct=..}). */
final class BootstrapResource extends CoapResource {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BootstrapResource.class);
    private final ThrottledLog failures = new ThrottledLog(log, Duration.ofSeconds(10));

    private final BootstrapSessionManager sessions;
    private final ScheduledExecutorService timers;
    private final Duration requestTimeout;
    private final RecentPeers peers;
    private final FailureGate gate;
    private final EndedSessionConnections connections;

    BootstrapResource(BootstrapSessionManager sessions, ScheduledExecutorService timers, Duration requestTimeout,
            RecentPeers peers, FailureGate gate, EndedSessionConnections connections) {
        super("bs");
        this.connections = connections;
        this.peers = peers;
        this.gate = gate;
        this.sessions = sessions;
        this.timers = timers;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        try {
            bootstrapRequest(exchange);
        } catch (RuntimeException e) {
            // The database gone, for one: the client may try again; one line at most every 10 s, not a trace per datagram.
            failures.warn("Bootstrap-Request from " + exchange.getSourceSocketAddress() + " failed; answered 5.00", e);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR);
        }
    }

    private void bootstrapRequest(CoapExchange exchange) {
        Request request = exchange.advanced().getRequest();
        EndpointContext peer = request.getSourceContext();
        if (gate.isBlocked(peer.getPeerAddress().getAddress())) {
            // Too many refusals from this address lately: answer without touching the database.
            exchange.respond(ResponseCode.TOO_MANY_REQUESTS);
            return;
        }
        BootstrapDecision decision = sessions.accept(parse(request.getOptions().getUriQuery(), peer));
        if (decision instanceof BootstrapDecision.Refused refused) {
            if (refused.clientCaused()) {
                gate.refusedRequest(peer.getPeerAddress().getAddress());
            }
            exchange.respond(CoapCodes.of(refused.code()));
            return;
        }
        exchange.respond(ResponseCode.CHANGED);
        peers.remember(((BootstrapDecision.Accepted) decision).config().endpoint(), peer.getPeerAddress());
        // Counted before the start, which ends a session this one supersedes (maybe on this very connection).
        connections.sessionStarted(peer);
        sessions.start((BootstrapDecision.Accepted) decision,
                new CoapBootstrapClient(exchange.advanced().getEndpoint(), peer, timers, requestTimeout, connections));
    }

    static BootstrapRequest parse(List<String> query, EndpointContext peer) {
        String endpoint = null;
        Integer pct = null;
        String malformed = null;
        for (String parameter : query) {
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            switch (name) {
                case "ep" -> {
                    String unusable = PeerText.unusable(value, PeerText.MAX_ENDPOINT);
                    if (endpoint != null) {
                        malformed = "ep given twice";
                    } else if (unusable != null) {
                        malformed = "ep " + unusable;
                    }
                    // Recorded as the client sent it, but printable and bounded: the record must take it
                    // (whichever of two ep values it is: found by BootstrapRequestFuzzTest).
                    endpoint = unusable == null ? value : PeerText.escaped(value);
                }
                case "pct" -> {
                    try {
                        pct = Integer.parseInt(value);
                        if (pct < 0 || pct > 65535) {
                            malformed = "pct " + value + " is not a content format";
                        }
                    } catch (NumberFormatException e) {
                        malformed = "pct '" + value + "' is not a number";
                    }
                }
                default -> {
                    // Other parameters carry nothing this server acts on.
                }
            }
        }
        if (endpoint == null && malformed == null && query.stream().anyMatch(q -> q.startsWith("ep="))) {
            malformed = "ep is empty";
        }
        ClientIdentity identity = null;
        if (peer.getPeerIdentity() instanceof PreSharedKeyIdentity psk) {
            identity = ClientIdentity.psk(psk.getIdentity(), HandshakeCredential.of(psk));
        } else if (peer.getPeerIdentity() instanceof RawPublicKeyIdentity rpk) {
            identity = ClientIdentity.rpk(rpk.getKey().getEncoded(), HandshakeCredential.of(rpk));
        } else if (peer.getPeerIdentity() instanceof X509CertPath path) {
            @SuppressWarnings("unchecked")
            List<java.security.cert.X509Certificate> chain = (List<java.security.cert.X509Certificate>) path.getPath().getCertificates();
            identity = ClientIdentity.x509(chain, HandshakeCredential.of(path));
        }
        InetSocketAddress address = peer.getPeerAddress();
        return new BootstrapRequest(endpoint, pct, malformed,
                address.getAddress().getHostAddress() + ":" + address.getPort(), identity);
    }
}

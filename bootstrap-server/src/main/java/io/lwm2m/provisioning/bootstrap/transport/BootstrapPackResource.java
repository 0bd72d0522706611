package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapRequest;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import io.lwm2m.provisioning.logging.ThrottledLog;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.OptionSet;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.EndpointContext;

/**
 * {@code /bspack}: the LwM2M 1.2 Bootstrap-Pack-Request ({@code GET /bspack?ep=..} with Accept),
 * answered 2.05 with the whole configuration; Californium sends it block-wise when it is large.
 */
final class BootstrapPackResource extends CoapResource {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BootstrapPackResource.class);
    private final ThrottledLog failures = new ThrottledLog(log, java.time.Duration.ofSeconds(10));

    private final BootstrapSessionManager sessions;
    private final RecentPeers peers;
    private final FailureGate gate;
    private final EndedSessionConnections connections;

    BootstrapPackResource(BootstrapSessionManager sessions, RecentPeers peers, FailureGate gate,
            EndedSessionConnections connections) {
        super("bspack");
        this.connections = connections;
        this.sessions = sessions;
        this.peers = peers;
        this.gate = gate;
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        try {
            packRequest(exchange);
        } catch (RuntimeException e) {
            failures.warn("Bootstrap-Pack-Request from " + exchange.getSourceSocketAddress() + " failed; answered 5.00", e);
            exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR);
        }
    }

    private void packRequest(CoapExchange exchange) {
        Request request = exchange.advanced().getRequest();
        EndpointContext peer = request.getSourceContext();
        if (gate.isBlocked(peer.getPeerAddress().getAddress())) {
            exchange.respond(ResponseCode.TOO_MANY_REQUESTS);
            return;
        }
        OptionSet options = request.getOptions();
        BootstrapRequest parsed = BootstrapResource.parse(options.getUriQuery(), peer);
        // The format comes from Accept here; a pct parameter means nothing to this operation.
        BootstrapRequest packRequest = new BootstrapRequest(parsed.endpoint(), options.hasAccept() ? options.getAccept() : null,
                parsed.malformed(), parsed.peerAddress(), parsed.identity());
        BootstrapSessionManager.PackAnswer answer = sessions.pack(packRequest);
        if (answer.refusal() != null) {
            // A profile's policy (4.05) is not the client's fault; the client falls back to a Bootstrap-Request.
            if (answer.refusal().clientCaused()) {
                gate.refusedRequest(peer.getPeerAddress().getAddress());
            }
            exchange.respond(CoapCodes.of(answer.code()));
            return;
        }
        Response response = new Response(ResponseCode.CONTENT);
        response.getOptions().setContentFormat(answer.contentFormat());
        response.setPayload(answer.payload());
        exchange.respond(response);
        peers.remember(answer.endpoint(), peer.getPeerAddress());
        // A request for the next block of a large pack arrives on the connection and keeps it open.
        connections.exchangeEnded(peer);
    }
}

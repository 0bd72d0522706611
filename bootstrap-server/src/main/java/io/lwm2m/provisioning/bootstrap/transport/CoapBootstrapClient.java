package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapClient;
import io.lwm2m.provisioning.bootstrap.sessions.ClientUnreachableException;
import io.lwm2m.provisioning.bootstrap.sessions.UnusableAnswerException;
import io.lwm2m.provisioning.bootstrap.sessions.DownlinkRequest;
import io.lwm2m.provisioning.bootstrap.sessions.DownlinkResponse;
import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.EndpointContext;

/**
 * Reaches one client over the endpoint (and, for DTLS, the very session) its Bootstrap-Request
 * came in on. Requests are confirmable; Californium retransmits, and a per-request timeout ends
 * the wait for a client that has gone silent.
 */
final class CoapBootstrapClient implements BootstrapClient {

    private final Endpoint endpoint;
    private final EndpointContext peer;
    private final ScheduledExecutorService timers;
    private final Duration requestTimeout;
    private final EndedSessionConnections connections;
    private volatile Request outstanding;

    CoapBootstrapClient(Endpoint endpoint, EndpointContext peer, ScheduledExecutorService timers, Duration requestTimeout,
            EndedSessionConnections connections) {
        this.endpoint = endpoint;
        this.connections = connections;
        this.peer = peer;
        this.timers = timers;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public CompletableFuture<DownlinkResponse> send(DownlinkRequest downlink) {
        Request request = toCoap(downlink);
        CompletableFuture<DownlinkResponse> answer = new CompletableFuture<>();
        ScheduledFuture<?> timeout = timers.schedule(() -> {
            if (answer.completeExceptionally(new ClientUnreachableException(
                    "no answer within " + requestTimeout.toMillis() + " ms"))) {
                request.cancel();
            }
        }, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((r, e) -> timeout.cancel(false));
        request.addMessageObserver(new AnswerObserver(answer));
        outstanding = request;
        endpoint.sendRequest(request);
        return answer;
    }

    private Request toCoap(DownlinkRequest downlink) {
        Request request = new Request(CoAP.Code.valueOf(downlink.operation().method()), CoAP.Type.CON);
        request.setDestinationContext(peer);
        // The root is no Uri-Path option at all; Californium would send "/" as one empty segment.
        if (!downlink.path().equals("/")) {
            request.getOptions().setUriPath(downlink.path());
        }
        if (downlink.contentFormat() >= 0) {
            request.getOptions().setContentFormat(downlink.contentFormat());
        }
        if (downlink.accept() >= 0) {
            request.getOptions().setAccept(downlink.accept());
        }
        if (downlink.payload().length > 0) {
            request.setPayload(downlink.payload());
        }
        return request;
    }

    /** Completes a request's answer with the client's response, or with why there is none. */
    private static final class AnswerObserver extends MessageObserverAdapter {
        private final CompletableFuture<DownlinkResponse> answer;

        AnswerObserver(CompletableFuture<DownlinkResponse> answer) {
            this.answer = answer;
        }

        @Override
        public void onResponse(Response response) {
            CoAP.ResponseCode code = response.getCode();
            answer.complete(new DownlinkResponse(new ResponseCode(code.codeClass, code.codeDetail),
                    response.getPayload() == null ? new byte[0] : response.getPayload()));
        }

        @Override
        public void onReject() {
            answer.completeExceptionally(new ClientUnreachableException("the client reset the exchange"));
        }

        @Override
        public void onTimeout() {
            answer.completeExceptionally(new ClientUnreachableException("no answer after CoAP retransmissions"));
        }

        @Override
        public void onCancel() {
            answer.completeExceptionally(new ClientUnreachableException("request cancelled"));
        }

        /** A block-wise answer beyond provisioning.coap.max-body-size, for one. */
        @Override
        public void onResponseHandlingError(Throwable cause) {
            answer.completeExceptionally(new UnusableAnswerException(cause.getMessage()));
        }

        @Override
        public void onSendError(Throwable error) {
            answer.completeExceptionally(new ClientUnreachableException("request could not be sent: " + error.getMessage()));
        }
    }

    @Override
    public void cancel() {
        Request request = outstanding;
        if (request != null) {
            request.cancel();
        }
    }

    @Override
    public void sessionEnded() {
        connections.sessionEnded(peer);
    }
}

package io.lwm2m.provisioning.cli.device.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * One simulated device doing one bootstrap: a fresh connector on a new port, {@code POST /bs?ep=..}
 * (or {@code GET /bspack?ep=..}), then the responder's answers to the server's requests until
 * Bootstrap-Finish. The session ends when the answer to Bootstrap-Finish has left the socket.
 */
final class DeviceSession {

    private final DeviceStack stack;
    private final DeviceIdentity device;
    private final Responder responder;
    private final boolean pack;
    private final CompletableFuture<Long> finished = new CompletableFuture<>();
    private final AtomicInteger serverRequests = new AtomicInteger();
    private final AtomicInteger dtlsRetransmissions = new AtomicInteger();
    private volatile long handshakeDone;
    private volatile long requestAnswered;
    private volatile String cipherSuite;
    private volatile String requestCode;
    private volatile String lastStep = "DTLS handshake / POST /bs";

    DeviceSession(DeviceStack stack, DeviceIdentity device, Responder responder, boolean pack) {
        this.stack = stack;
        this.device = device;
        this.responder = responder;
        this.pack = pack;
    }

    SessionResult run() throws InterruptedException {
        long start = System.nanoTime();
        CoapEndpoint endpoint = null;
        // The latency clock starts when the Bootstrap-Request (and so the handshake) is sent, after the
        // connector is set up; failures while setting it up count from here.
        try {
            endpoint = endpoint();
            Request request = pack ? Request.newGet() : Request.newPost();
            request.setURI(stack.uriPrefix + (pack ? "/bspack" : "/bs") + query());
            if (pack && stack.settings.pct() != null) {
                request.getOptions().setAccept(stack.settings.pct());
            }
            request.addMessageObserver(new RequestObserver());
            start = System.nanoTime();
            endpoint.sendRequest(request);

            long timeout = TimeUnit.MILLISECONDS.toNanos(stack.settings.sessionTimeoutMillis());
            long remaining = timeout - (System.nanoTime() - start);
            try {
                return result(null, null, start, finished.get(Math.max(1, remaining), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                request.cancel();
                return result("timeout: no Bootstrap-Finish within " + TimeUnit.NANOSECONDS.toMillis(timeout)
                        + " ms, last step: " + lastStep, Failure.TIMEOUT, start, System.nanoTime());
            } catch (ExecutionException e) {
                SessionFailure failure = (SessionFailure) e.getCause();
                return result(failure.getMessage(), failure.kind, start, System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            return result("client error: " + e, Failure.CLIENT_ERROR, start, System.nanoTime());
        } finally {
            CoapEndpoint toClose = endpoint;
            if (toClose != null) {
                stack.closer().execute(toClose::destroy);
            }
        }
    }

    private CoapEndpoint endpoint() throws IOException {
        CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(stack.config).setTokenGenerator(stack.tokens);
        PooledReceiverConnector connector = null;
        if (stack.settings.secure()) {
            DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(stack.config).setAddress(stack.localAddress);
            device.credentials().configure(dtls, stack.settings.trust());
            connector = new PooledReceiverConnector(dtls.build());
            connector.setExecutor(stack.threads.dtls());
            builder.setConnector(connector);
        } else {
            builder.setInetSocketAddress(stack.localAddress);
        }
        CoapEndpoint endpoint = builder.build();
        endpoint.setExecutors(stack.threads.coap(), stack.threads.coapSecondary());
        endpoint.setMessageDeliverer(new Deliverer());
        endpoint.start();
        if (connector != null) {
            stack.threads.receivers().execute(connector::receiveUntilClosed);
        }
        return endpoint;
    }

    private String query() {
        StringBuilder query = new StringBuilder();
        if (stack.settings.sendEndpointName()) {
            query.append("?ep=").append(device.endpoint());
        }
        if (!pack && stack.settings.pct() != null) {
            query.append(query.length() == 0 ? '?' : '&').append("pct=").append(stack.settings.pct());
        }
        return query.toString();
    }

    private SessionResult result(String failure, Failure kind, long start, long end) {
        return new SessionResult(failure, kind, start, end, handshakeDone == 0 ? -1 : handshakeDone - start,
                requestAnswered == 0 ? -1 : requestAnswered - start, serverRequests.get(), dtlsRetransmissions.get(), cipherSuite,
                requestCode);
    }

    private void fail(String reason, Failure kind) {
        finished.completeExceptionally(new SessionFailure(reason, kind));
    }

    /** What becomes of the Bootstrap-Request (or Bootstrap-Pack-Request) and its handshake. */
    private final class RequestObserver extends MessageObserverAdapter {

        @Override
        public void onContextEstablished(EndpointContext endpointContext) {
            if (handshakeDone == 0) {
                handshakeDone = System.nanoTime();
                cipherSuite = endpointContext.getString(DtlsEndpointContext.KEY_CIPHER);
            }
        }

        @Override
        public void onDtlsRetransmission(int flight) {
            dtlsRetransmissions.incrementAndGet();
        }

        @Override
        public void onResponse(Response response) {
            requestAnswered = System.nanoTime();
            requestCode = response.getCode().text;
            if (pack) {
                packAnswered(response);
            } else if (response.getCode() != ResponseCode.CHANGED) {
                fail("Bootstrap-Request answered " + response.getCode(), switch (response.getCode()) {
                    case BAD_REQUEST -> Failure.REFUSED;
                    case UNSUPPORTED_CONTENT_FORMAT -> Failure.UNSUPPORTED_FORMAT;
                    default -> Failure.OTHER_ANSWER;
                });
            } else {
                lastStep = "POST /bs answered 2.04, waiting for the server";
            }
        }

        private void packAnswered(Response response) {
            if (response.getCode() != ResponseCode.CONTENT) {
                fail("Bootstrap-Pack-Request answered " + response.getCode(), Failure.PACK_REFUSED);
                return;
            }
            String problem = responder.applyPack(response.getPayload(), response.getOptions().getContentFormat());
            if (problem != null) {
                fail(problem, Failure.UNUSABLE_CONFIGURATION);
            } else {
                finished.complete(System.nanoTime());
            }
        }

        @Override
        public void onTimeout() {
            fail("Bootstrap-Request: no answer (CoAP retransmissions exhausted)", Failure.NO_ANSWER);
        }

        @Override
        public void onReject() {
            fail("Bootstrap-Request: reset by the server", Failure.OTHER_ANSWER);
        }

        @Override
        public void onSendError(Throwable error) {
            if (handshakeDone == 0) {
                fail("DTLS handshake failed: " + Failure.describeHandshake(error), Failure.ofHandshake(error));
            } else {
                fail("Bootstrap-Request send error: " + error.getClass().getSimpleName(), Failure.CLIENT_ERROR);
            }
        }

        @Override
        public void onCancel() {
            fail("Bootstrap-Request cancelled", Failure.CLIENT_ERROR);
        }
    }

    /** The device side of the bootstrap interface: Bootstrap-Finish here, everything else from the responder. */
    private final class Deliverer implements MessageDeliverer {

        @Override
        public void deliverRequest(Exchange exchange) {
            Request request = exchange.getRequest();
            List<String> path = request.getOptions().getUriPath();
            serverRequests.incrementAndGet();
            lastStep = request.getCode() + " /" + String.join("/", path);
            boolean bootstrapFinish = request.getCode() == Code.POST
                    && path.size() == 1 && path.get(0).equals("bs");
            Responder.Answer answer;
            try {
                answer = bootstrapFinish ? responder.finish() : responder.answer(request);
            } catch (RuntimeException e) {
                answer = new Responder.Answer(new Response(ResponseCode.INTERNAL_SERVER_ERROR), "client error: " + e);
            }
            Response response = answer.response();
            if (answer.failure() != null) {
                fail(answer.failure(), answer.response().getCode() == ResponseCode.METHOD_NOT_ALLOWED ? Failure.UNEXPECTED_REQUEST
                        : Failure.UNUSABLE_CONFIGURATION);
            } else if (bootstrapFinish) {
                response.addMessageObserver(new MessageObserverAdapter() {
                    @Override
                    public void onSent(boolean retransmission) {
                        finished.complete(System.nanoTime());
                    }

                    @Override
                    public void onSendError(Throwable error) {
                        fail("could not send the answer to Bootstrap-Finish: " + error.getClass().getSimpleName(), Failure.CLIENT_ERROR);
                    }
                });
            }
            exchange.sendResponse(response);
        }

        @Override
        public void deliverResponse(Exchange exchange, Response response) {
            exchange.getRequest().setResponse(response);
        }
    }

    /** A failure with a stable, countable reason. */
    private static final class SessionFailure extends RuntimeException {
        private final Failure kind;

        SessionFailure(String reason, Failure kind) {
            super(reason, null, false, false);
            this.kind = kind;
        }
    }
}

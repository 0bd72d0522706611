package io.lwm2m.provisioning.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.RandomTokenGenerator;
import org.eclipse.californium.core.network.TokenGenerator;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * One simulated LwM2M device doing one bootstrap: a fresh DTLS-PSK connector on a new loopback port
 * (so a full handshake, nothing to resume), {@code POST /bs?ep=..}, then scripted answers to the
 * server's Bootstrap-Discover (2.05 link-format), -Delete (2.02), -Write (2.04) and -Finish (2.04).
 * The session ends when the answer to Bootstrap-Finish has left the socket.
 *
 * <p>What sessions share costs nothing per session: thread pools, the configuration, the CoAP token
 * generator, and the threads that read the connectors' sockets (a connector has no receiver thread
 * of its own; a pooled thread reads its socket until it closes), so a session creates no thread.
 */
final class SimulatedDevice {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /**
     * A device: its PSK identity and key, or (for {@code chain} not null) its certificate chain, its
     * own first, and private key (a factory certificate, for zero-touch benchmarks).
     */
    record Device(String endpoint, String identity, byte[] key, java.security.cert.X509Certificate[] chain,
            java.security.PrivateKey privateKey) {

        Device(String endpoint, String identity, byte[] key) {
            this(endpoint, identity, key, null, null);
        }
    }

    /** How one session went; times from {@link System#nanoTime()}. */
    record Result(String failure, long startNanos, long endNanos, long handshakeNanos, long requestAnsweredNanos,
            int serverRequests, int dtlsRetransmissions) {

        boolean ok() {
            return failure == null;
        }
    }

    /** What all sessions share: the configuration and the thread pools (so a session costs no threads but its receiver). */
    static final class Stack {
        private final Configuration config;
        private final InetSocketAddress server;
        private final ScheduledExecutorService dtlsExecutor;
        private final ScheduledExecutorService coapExecutor;
        private final ScheduledExecutorService coapSecondary;
        private final long timeoutNanos;
        private final String pct;
        private final byte[] discoverAnswer;
        private final ExecutorService receivers;
        private final TokenGenerator tokens;

        Stack(InetSocketAddress server, CipherSuite cipherSuite, ScheduledExecutorService dtlsExecutor,
                ScheduledExecutorService coapExecutor, ScheduledExecutorService coapSecondary, ExecutorService receivers,
                long timeoutMillis, String pct) {
            this.server = server;
            this.receivers = receivers;
            this.dtlsExecutor = dtlsExecutor;
            this.coapExecutor = coapExecutor;
            this.coapSecondary = coapSecondary;
            this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            this.pct = pct;
            this.discoverAnswer = ("</>;lwm2m=1.1,</0/0>;uri=\"coaps://127.0.0.1:" + server.getPort() + "\"")
                    .getBytes(StandardCharsets.UTF_8);
            Configuration c = new Configuration();
            c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
            c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
            c.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, cipherSuite);
            // No receiver thread per connector: a pooled one reads its socket (see PooledReceiverConnector).
            c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 0);
            c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
            c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
            // Known MTU: skips the network-interface lookup each connector would do at start.
            c.set(DtlsConfig.DTLS_MAX_TRANSMISSION_UNIT, 1280);
            // No session id: even a reused connector could not resume.
            c.set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false);
            c.set(CoapConfig.MAX_ACTIVE_PEERS, 4);
            this.config = c;
            // One for all endpoints: each would otherwise seed a SecureRandom of its own.
            this.tokens = new RandomTokenGenerator(c);
        }

        /** One bootstrap of {@code device}; never longer than the session timeout (plus scheduling). */
        Result bootstrap(Device device, Executor closer) throws InterruptedException {
            return new Session(this, device).run(closer);
        }
    }

    private static final class Session {
        private final Stack stack;
        private final Device device;
        private final CompletableFuture<Long> finished = new CompletableFuture<>();
        private final AtomicInteger serverRequests = new AtomicInteger();
        private final AtomicInteger dtlsRetransmissions = new AtomicInteger();
        private volatile long handshakeDone;
        private volatile long requestAnswered;
        private volatile String lastStep = "DTLS handshake / POST /bs";

        Session(Stack stack, Device device) {
            this.stack = stack;
            this.device = device;
        }

        Result run(Executor closer) throws InterruptedException {
            long start = System.nanoTime();
            CoapEndpoint endpoint = null;
            // The latency clock starts when the Bootstrap-Request (and so the handshake) is sent, after the
            // connector is set up; failures while setting it up count from here.
            try {
                DtlsConnectorConfig dtls = credentials(DtlsConnectorConfig.builder(stack.config)
                        .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))).build();
                PooledReceiverConnector connector = new PooledReceiverConnector(dtls);
                connector.setExecutor(stack.dtlsExecutor);
                endpoint = new CoapEndpoint.Builder().setConfiguration(stack.config).setConnector(connector)
                        .setTokenGenerator(stack.tokens).build();
                endpoint.setExecutors(stack.coapExecutor, stack.coapSecondary);
                endpoint.setMessageDeliverer(new Deliverer());
                endpoint.start();
                stack.receivers.execute(connector::receiveUntilClosed);

                Request request = Request.newPost();
                request.setURI("coaps://127.0.0.1:" + stack.server.getPort() + "/bs?ep=" + device.endpoint()
                        + (stack.pct == null ? "" : "&pct=" + stack.pct));
                request.addMessageObserver(new MessageObserverAdapter() {
                    @Override
                    public void onContextEstablished(EndpointContext endpointContext) {
                        if (handshakeDone == 0) {
                            handshakeDone = System.nanoTime();
                        }
                    }

                    @Override
                    public void onDtlsRetransmission(int flight) {
                        dtlsRetransmissions.incrementAndGet();
                    }

                    @Override
                    public void onResponse(Response response) {
                        requestAnswered = System.nanoTime();
                        if (response.getCode() != ResponseCode.CHANGED) {
                            fail("Bootstrap-Request answered " + response.getCode());
                        } else {
                            lastStep = "POST /bs answered 2.04, waiting for the server";
                        }
                    }

                    @Override
                    public void onTimeout() {
                        fail("Bootstrap-Request: no answer (CoAP retransmissions exhausted)");
                    }

                    @Override
                    public void onReject() {
                        fail("Bootstrap-Request: reset by the server");
                    }

                    @Override
                    public void onSendError(Throwable error) {
                        fail((handshakeDone == 0 ? "DTLS handshake failed: " : "Bootstrap-Request send error: ")
                                + error.getClass().getSimpleName());
                    }

                    @Override
                    public void onCancel() {
                        fail("Bootstrap-Request cancelled");
                    }
                });
                start = System.nanoTime();
                endpoint.sendRequest(request);

                long remaining = stack.timeoutNanos - (System.nanoTime() - start);
                long end;
                try {
                    end = finished.get(Math.max(1, remaining), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    request.cancel();
                    return result("timeout: no Bootstrap-Finish within " + TimeUnit.NANOSECONDS.toMillis(stack.timeoutNanos)
                            + " ms, last step: " + lastStep, start, System.nanoTime());
                } catch (ExecutionException e) {
                    return result(e.getCause().getMessage(), start, System.nanoTime());
                }
                return result(null, start, end);
            } catch (IOException | RuntimeException e) {
                return result("client error: " + e, start, System.nanoTime());
            } finally {
                CoapEndpoint toClose = endpoint;
                if (toClose != null) {
                    closer.execute(toClose::destroy);
                }
            }
        }

        /** The device's PSK, or its certificate (trusting any server certificate: this is a load generator). */
        private DtlsConnectorConfig.Builder credentials(DtlsConnectorConfig.Builder builder) {
            if (device.chain() == null) {
                return builder.setAdvancedPskStore(new AdvancedSinglePskStore(device.identity(), device.key()));
            }
            return builder.setCertificateIdentityProvider(new org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider(
                            device.privateKey(), device.chain(), org.eclipse.californium.scandium.dtls.CertificateType.X_509))
                    .setAdvancedCertificateVerifier(org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier
                            .builder().setTrustAllCertificates().build());
        }

        private Result result(String failure, long start, long end) {
            return new Result(failure, start, end, handshakeDone == 0 ? -1 : handshakeDone - start,
                    requestAnswered == 0 ? -1 : requestAnswered - start, serverRequests.get(), dtlsRetransmissions.get());
        }

        private void fail(String reason) {
            finished.completeExceptionally(new SessionFailure(reason));
        }

        /** The device side of the bootstrap interface. */
        private final class Deliverer implements MessageDeliverer {

            @Override
            public void deliverRequest(Exchange exchange) {
                Request request = exchange.getRequest();
                List<String> path = request.getOptions().getUriPath();
                serverRequests.incrementAndGet();
                lastStep = request.getCode() + " /" + String.join("/", path);
                Response response;
                switch (request.getCode()) {
                    case GET -> {
                        response = new Response(ResponseCode.CONTENT);
                        response.getOptions().setContentFormat(40);
                        response.setPayload(stack.discoverAnswer);
                    }
                    case DELETE -> response = new Response(ResponseCode.DELETED);
                    case PUT -> response = new Response(ResponseCode.CHANGED);
                    case POST -> {
                        if (path.size() == 1 && path.get(0).equals("bs")) {
                            response = new Response(ResponseCode.CHANGED);
                            response.addMessageObserver(new MessageObserverAdapter() {
                                @Override
                                public void onSent(boolean retransmission) {
                                    finished.complete(System.nanoTime());
                                }

                                @Override
                                public void onSendError(Throwable error) {
                                    fail("could not send the answer to Bootstrap-Finish: " + error.getClass().getSimpleName());
                                }
                            });
                        } else {
                            response = new Response(ResponseCode.METHOD_NOT_ALLOWED);
                            fail("unexpected request from the server: POST /" + String.join("/", path));
                        }
                    }
                    default -> {
                        response = new Response(ResponseCode.METHOD_NOT_ALLOWED);
                        fail("unexpected request from the server: " + request.getCode() + " /" + String.join("/", path));
                    }
                }
                exchange.sendResponse(response);
            }

            @Override
            public void deliverResponse(Exchange exchange, Response response) {
                exchange.getRequest().setResponse(response);
            }
        }
    }

    /**
     * A Scandium connector without receiver threads of its own ({@code DTLS_RECEIVER_THREAD_COUNT} 0):
     * {@link #receiveUntilClosed} reads its socket on a pooled thread, exactly as Scandium's receiver
     * would, until the connector stops. Starting a thread per session cost the load generator more
     * than the handshake.
     */
    static final class PooledReceiverConnector extends DTLSConnector {

        /** Each pooled thread's buffer, as large as any datagram. */
        private static final ThreadLocal<DatagramPacket> PACKET = ThreadLocal.withInitial(() -> new DatagramPacket(new byte[65536], 65536));

        PooledReceiverConnector(DtlsConnectorConfig config) {
            super(config);
        }

        void receiveUntilClosed() {
            DatagramPacket packet = PACKET.get();
            while (isRunning()) {
                try {
                    packet.setData(packet.getData());
                    receiveNextDatagramFromNetwork(packet);
                } catch (IOException e) {
                    return; // closed
                } catch (RuntimeException e) {
                    if (!isRunning()) {
                        return;
                    }
                }
            }
        }
    }

    /** A failure with a stable, countable reason. */
    static final class SessionFailure extends RuntimeException {
        SessionFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}

package io.lwm2m.provisioning.e2e;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * A misbehaving device, for the failure paths that a well-behaved LwM2M client never takes:
 * Californium's CoAP/DTLS stack with a scripted (or silent) answer to the server's requests.
 */
public final class RawCoapsDevice implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapEndpoint endpoint;

    private RawCoapsDevice(CoapEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Over DTLS with this PSK; answers the server's requests with {@code script} (a null answer: none). */
    public static RawCoapsDevice psk(String identity, byte[] key, Function<Request, Response> script) {
        return psk(identity, key, script, null);
    }

    /** As {@link #psk(String, byte[], Function)}, offering only {@code cipherSuites} (null: Scandium's defaults). */
    public static RawCoapsDevice psk(String identity, byte[] key, Function<Request, Response> script,
            java.util.List<org.eclipse.californium.scandium.dtls.cipher.CipherSuite> cipherSuites) {
        return psk(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), identity, key, script, cipherSuites);
    }

    /**
     * A silent device sending from {@code source}, another loopback address (127.0.0.2, ...): a source
     * of its own in the server's per-address failure limit.
     */
    public static RawCoapsDevice pskFrom(InetAddress source, String identity, byte[] key) {
        return psk(new InetSocketAddress(source, 0), identity, key, silent(), null);
    }

    /** Sending from exactly {@code local}, address and port: a device that took over another's NAT mapping. */
    public static RawCoapsDevice pskOn(InetSocketAddress local, String identity, byte[] key, Function<Request, Response> script) {
        return psk(local, identity, key, script, null);
    }

    private static RawCoapsDevice psk(InetSocketAddress local, String identity, byte[] key, Function<Request, Response> script,
            java.util.List<org.eclipse.californium.scandium.dtls.cipher.CipherSuite> cipherSuites) {
        Configuration config = new Configuration();
        DtlsConnectorConfig.Builder builder = DtlsConnectorConfig.builder(config);
        if (cipherSuites != null) {
            builder.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false).set(DtlsConfig.DTLS_CIPHER_SUITES, cipherSuites);
        }
        DtlsConnectorConfig dtls = builder
                .setAddress(local)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1)
                .set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build();
        return withScript(new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build(), script);
    }

    /**
     * As {@link #psk(String, byte[], Function)}, negotiating a DTLS Connection ID: its records carry
     * the server's Connection ID, so they still find their connection when they reach the server
     * through another replica (or from another address).
     */
    public static RawCoapsDevice pskWithConnectionId(String identity, byte[] key, Function<Request, Response> script) {
        Configuration config = new Configuration();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                // 0: the client uses the server's Connection ID and asks for none of its own.
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0)
                .set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2)
                .set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 500, TimeUnit.MILLISECONDS)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build();
        return withScript(new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build(), script);
    }

    /** Plain CoAP, no DTLS. */
    static RawCoapsDevice plain(Function<Request, Response> script) {
        Configuration config = new Configuration();
        return withScript(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build(), script);
    }

    /** Never answers the server's requests, as a device that lost power after its Bootstrap-Request. */
    public static Function<Request, Response> silent() {
        return null;
    }

    private static RawCoapsDevice withScript(CoapEndpoint endpoint, Function<Request, Response> script) {
        if (script == null) {
            endpoint.addInterceptor(new MessageInterceptorAdapter() {
                @Override
                public void receiveRequest(Request request) {
                    request.setCanceled(true);
                }
            });
        } else {
            endpoint.setMessageDeliverer(new MessageDeliverer() {
                @Override
                public void deliverRequest(Exchange exchange) {
                    Response response = script.apply(exchange.getRequest());
                    // null: this request goes unanswered, as from a device that went silent mid-session.
                    if (response != null) {
                        exchange.sendResponse(response);
                    }
                }

                @Override
                public void deliverResponse(Exchange exchange, Response response) {
                    exchange.getRequest().setResponse(response);
                }
            });
        }
        try {
            endpoint.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new RawCoapsDevice(endpoint);
    }

    /** Sends {@code POST /bs?query} and waits for the answer; null if none came (handshake failed). */
    public Response bootstrapRequest(InetSocketAddress server, boolean secure, String query) throws InterruptedException {
        Request request = Request.newPost();
        request.setURI((secure ? "coaps" : "coap") + "://127.0.0.1:" + server.getPort() + "/bs" + (query.isEmpty() ? "" : "?" + query));
        endpoint.sendRequest(request);
        return request.waitForResponse(TimeUnit.SECONDS.toMillis(10));
    }

    /** Sends {@code GET /pathAndQuery} over DTLS, with an Accept option unless null, and waits for the answer. */
    public Response get(InetSocketAddress server, String pathAndQuery, Integer accept) throws InterruptedException {
        Request request = Request.newGet();
        request.setURI("coaps://127.0.0.1:" + server.getPort() + pathAndQuery);
        if (accept != null) {
            request.getOptions().setAccept(accept);
        }
        return send(request);
    }

    /** Sends any request over this device's connection (the same DTLS session as its bootstrap) and waits for the answer. */
    public Response send(Request request) throws InterruptedException {
        endpoint.sendRequest(request);
        return request.waitForResponse(TimeUnit.SECONDS.toMillis(10));
    }

    /** Sends {@code GET path} over DTLS and waits up to {@code timeout} for the answer; null if none came. */
    public Response get(InetSocketAddress server, String path, java.time.Duration timeout) throws InterruptedException {
        Request request = Request.newGet();
        request.setURI("coaps://127.0.0.1:" + server.getPort() + path);
        endpoint.sendRequest(request);
        Response response = request.waitForResponse(timeout.toMillis());
        if (response == null) {
            request.cancel();
        }
        return response;
    }

    /** The local address the device sends from (its DTLS peer address at the server). */
    public InetSocketAddress address() {
        return endpoint.getAddress();
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}

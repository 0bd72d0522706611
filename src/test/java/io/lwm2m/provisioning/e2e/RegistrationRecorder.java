package io.lwm2m.provisioning.e2e;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;

/**
 * A DM server's registration interface and nothing else: it answers {@code POST /rd?ep=..} with
 * 2.01 over plain CoAP and over DTLS with the PSKs it is given, and records who registered with
 * which identity. A client that registers here proves it holds the DM account the bootstrap wrote.
 */
final class RegistrationRecorder implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /** One registration: the endpoint name it gave and the PSK identity it authenticated with (null over plain CoAP). */
    record Registration(String endpoint, String pskIdentity) {
    }

    private final CoapServer server;
    private final CoapEndpoint coap;
    private final CoapEndpoint coaps;
    private final AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final AtomicInteger locations = new AtomicInteger();

    RegistrationRecorder() {
        Configuration config = new Configuration();
        coap = new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress("127.0.0.1", 0))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .setAdvancedPskStore(keys)
                .build();
        coaps = new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        server = new CoapServer(config);
        server.addEndpoint(coap);
        server.addEndpoint(coaps);
        server.add(new Directory());
        server.start();
    }

    /** Accepts DTLS handshakes with this PSK, as a DM server that was given the device's credential would. */
    void accept(String identity, byte[] key) {
        keys.setKey(identity, key);
    }

    String coapUri() {
        return "coap://127.0.0.1:" + coap.getAddress().getPort();
    }

    String coapsUri() {
        return "coaps://127.0.0.1:" + coaps.getAddress().getPort();
    }

    /** Waits for a registration of {@code endpoint}. */
    Optional<Registration> awaitRegistration(String endpoint, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Registration> found = registrations(endpoint).stream().findFirst();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    List<Registration> registrations(String endpoint) {
        return registrations.stream().filter(r -> r.endpoint().equals(endpoint)).toList();
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** {@code /rd} and every registration location under it. */
    private final class Directory extends CoapResource {

        Directory() {
            super("rd");
        }

        @Override
        public Resource getChild(String name) {
            return this; // updates and de-registrations of any location
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            String endpoint = exchange.getRequestOptions().getUriQuery().stream().filter(q -> q.startsWith("ep="))
                    .map(q -> q.substring(3)).findFirst().orElse(null);
            if (endpoint == null) {
                exchange.respond(ResponseCode.CHANGED); // a Registration Update
                return;
            }
            String identity = exchange.advanced().getRequest().getSourceContext().getPeerIdentity() instanceof PreSharedKeyIdentity psk
                    ? psk.getIdentity() : null;
            registrations.add(new Registration(endpoint, identity));
            Response response = new Response(ResponseCode.CREATED);
            response.getOptions().setLocationPath("rd/" + locations.incrementAndGet());
            exchange.respond(response);
        }

        @Override
        public void handleDELETE(CoapExchange exchange) {
            exchange.respond(ResponseCode.DELETED);
        }
    }
}

package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The CoAP (UDP) and CoAPS (DTLS 1.2) endpoints of the bootstrap interface. Started after the
 * database is ready and stopped first on shutdown; the ports actually bound are logged.
 */
@Component
public class BootstrapEndpoints implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BootstrapEndpoints.class);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final BootstrapSessionManager sessions;
    private final BootstrapConfigStore configs;
    private final String host;
    private final int coapPort;
    private final int coapsPort;
    private final Duration requestTimeout;
    private CoapServer server;
    private CoapEndpoint coap;
    private CoapEndpoint coaps;
    private ScheduledExecutorService timers;

    BootstrapEndpoints(BootstrapSessionManager sessions, BootstrapConfigStore configs,
            @Value("${provisioning.coap.address:0.0.0.0}") String host,
            @Value("${provisioning.coap.port:5683}") int coapPort,
            @Value("${provisioning.coaps.port:5684}") int coapsPort,
            @Value("${provisioning.bootstrap.request-timeout:30s}") Duration requestTimeout) {
        this.sessions = sessions;
        this.configs = configs;
        this.host = host;
        this.coapPort = coapPort;
        this.coapsPort = coapsPort;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public synchronized void start() {
        // A fresh Configuration holds the modules' defaults; Configuration.getStandard() would
        // read and write a Californium3.properties file in the working directory instead.
        Configuration config = new Configuration();
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 200_000);
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(host, coapsPort))
                .setAdvancedPskStore(new DatabasePskStore(configs))
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 6)
                .set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false)
                .setAsList(DtlsConfig.DTLS_CIPHER_SUITES,
                        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
                        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
                        CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA378,
                        CipherSuite.TLS_PSK_WITH_AES_128_CCM,
                        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256,
                        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
                        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256)
                .build();
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bootstrap-request-timer");
            t.setDaemon(true);
            return t;
        });
        coap = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(host, coapPort)).build();
        coaps = new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        server = new CoapServer(config);
        server.addEndpoint(coap);
        server.addEndpoint(coaps);
        server.add(new BootstrapResource(sessions, timers, requestTimeout));
        server.start();
        log.info("Bootstrap server listening on coap://{} and coaps://{} (DTLS 1.2, PSK)",
                format(coap.getAddress()), format(coaps.getAddress()));
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.destroy();
            server = null;
            timers.shutdownNow();
            log.info("Bootstrap server stopped");
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The address the plain CoAP endpoint is bound to (the real port when 0 was configured). */
    public InetSocketAddress coapAddress() {
        return coap.getAddress();
    }

    /** The address the DTLS endpoint is bound to (the real port when 0 was configured). */
    public InetSocketAddress coapsAddress() {
        return coaps.getAddress();
    }

    private static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}

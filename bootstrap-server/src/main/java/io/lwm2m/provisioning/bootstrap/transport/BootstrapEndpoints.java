package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialEnded;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import io.lwm2m.provisioning.bootstrap.settings.BootstrapSettings;
import io.lwm2m.provisioning.bootstrap.settings.CoapSettings;
import io.lwm2m.provisioning.bootstrap.settings.CoapsSettings;
import io.lwm2m.provisioning.est.coap.EstCoapResources;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.DtlsManagedClusterConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.ResumptionSupportingConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The CoAP (UDP) and CoAPS (DTLS 1.2) endpoints of the bootstrap interface, with the {@code /bs},
 * {@code /bspack} and EST resources. Started after the database is ready and stopped first on
 * shutdown; the ports actually bound are logged. The DTLS connector comes from {@link DtlsEndpointFactory}.
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
    private final EstCoapResources est;
    private final WorkerPools pools;
    private final CoapSettings coapSettings;
    private final CoapsSettings coapsSettings;
    private final BootstrapSettings bootstrapSettings;
    private final DtlsEndpointFactory dtlsFactory;
    private final FailureGate gate;
    private final List<BootstrapEvents> events;
    private final ClusterSettings cluster;
    private final Duration shutdownDeadline = Duration.ofSeconds(20);
    private final RecentPeers peers = new RecentPeers(100_000);
    private CoapServer server;
    private CoapEndpoint coap;
    private CoapEndpoint coaps;
    private DTLSConnector dtlsConnector;
    private ScheduledExecutorService timers;
    private ResumptionSupportingConnectionStore connectionStore;
    private EndedSessionConnections endedSessions;
    private ClusterMembership membership;

    BootstrapEndpoints(BootstrapSessionManager sessions, EstCoapResources est, CoapSettings coapSettings,
            CoapsSettings coapsSettings, BootstrapSettings bootstrapSettings, DtlsEndpointFactory dtlsFactory,
            FailureGate gate, List<BootstrapEvents> events, ClusterSettings cluster, WorkerPools pools) {
        this.sessions = sessions;
        this.est = est;
        this.pools = pools;
        this.coapSettings = coapSettings;
        this.coapsSettings = coapsSettings;
        this.bootstrapSettings = bootstrapSettings;
        this.dtlsFactory = dtlsFactory;
        this.gate = gate;
        this.events = events;
        this.cluster = cluster;
    }

    @Override
    public synchronized void start() {
        Configuration config = coapConfiguration();
        DtlsEndpointFactory.DtlsEndpoint dtls = dtlsFactory.create(config, pools);
        dtlsConnector = dtls.connector();
        connectionStore = dtls.store();
        membership = dtls.membership();
        timers = pools.timer("bootstrap-request-timer");
        coap = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(coapSettings.address(), coapSettings.port())).build();
        // Deduplication scoped to connections: a closed connection's exchanges go with it.
        ConnectionScopedDeduplicator deduplicator = new ConnectionScopedDeduplicator(config);
        InMemoryMessageExchangeStore exchanges = new InMemoryMessageExchangeStore(config);
        exchanges.setDeduplicator(deduplicator);
        endedSessions = new EndedSessionConnections(dtlsConnector, connectionStore, coapsSettings.closeAfterSession(),
                deduplicator, pools);
        coaps = new CoapEndpoint.Builder().setConfiguration(config).setConnector(dtlsConnector)
                .setMessageExchangeStore(exchanges).build();
        EndedSessionConnections closer = endedSessions;
        coaps.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void receiveRequest(Request request) {
                closer.requestReceived(request.getSourceContext());
            }
        });
        server = new CoapServer(config);
        server.addEndpoint(coap);
        server.addEndpoint(coaps);
        server.add(new BootstrapResource(sessions, timers, bootstrapSettings.requestTimeout(), peers, gate, endedSessions),
                new BootstrapPackResource(sessions, peers, gate, endedSessions));
        est.attachTo(server);
        server.start();
        log.info("Bootstrap server listening on coap://{} and coaps://{} (DTLS 1.2: PSK, RPK, X.509; {}; {} CoAP and"
                + " as many DTLS worker threads)", format(coap.getAddress()), format(coaps.getAddress()), dtls.cipherSuites(),
                coapSettings.workerThreads());
        if (membership != null) {
            membership.start();
            log.info("DTLS cluster node {}: cluster port {}, peers from {}", cluster.nodeId(),
                    format(clusterAddress()), cluster.peersDns().isEmpty() ? "provisioning.cluster.peers" : cluster.peersDns());
        }
    }

    /** Californium's settings for both endpoints, from a fresh Configuration (getStandard() would read and write a file). */
    private Configuration coapConfiguration() {
        Configuration config = new Configuration();
        config.set(CoapConfig.MAX_ACTIVE_PEERS, Math.max(coapsSettings.maxConnections(), 1000));
        // One per processor by default, as Californium's own default: every thread beyond the cores
        // adds hand-offs and preemption to each message (decision 084).
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, coapSettings.workerThreads());
        // Deduplication keeps every incoming request's exchange (request and response, ~3 KB) for
        // the exchange lifetime: at 1,300 bootstraps/s RFC 7252's 247 s held ~1 GB. A client's
        // retransmissions end within MAX_TRANSMIT_SPAN (45 s with the default parameters), so a
        // shorter lifetime still answers every retransmission from the cache (ADR 018).
        long lifetime = coapSettings.exchangeLifetime().toMillis();
        config.set(CoapConfig.EXCHANGE_LIFETIME, lifetime, TimeUnit.MILLISECONDS);
        config.set(CoapConfig.NON_LIFETIME, Math.min(lifetime, config.get(CoapConfig.NON_LIFETIME, TimeUnit.MILLISECONDS)),
                TimeUnit.MILLISECONDS);
        // Blockwise (RFC 7959) for EST: CSRs and certificate chains exceed a datagram. Transfers are
        // matched by URI and peer, not by token, so libcoap's new token per block (with Request-Tag,
        // an elective option) is followed; a body above the limit gets 4.13.
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, coapSettings.maxBodySize());
        config.set(CoapConfig.BLOCKWISE_STRICT_BLOCK1_OPTION, true);
        return config;
    }

    /** The cluster port's address (the real port when 0 was configured); null when clustering is off. */
    public synchronized InetSocketAddress clusterAddress() {
        return dtlsConnector instanceof DtlsManagedClusterConnector managed ? managed.getClusterInternalAddress() : null;
    }

    /** The node ids of the peers this replica currently knows on the cluster port (empty when clustering is off). */
    public synchronized java.util.Set<Integer> clusterPeers() {
        return membership == null ? java.util.Set.of() : membership.knownNodes();
    }

    /** Whether the CoAP and DTLS endpoints are bound (readiness). */
    public synchronized boolean isBound() {
        return server != null && coap.isStarted() && coaps.isStarted();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            // Graceful: no new Bootstrap-Requests are taken (the endpoints stay open for the running
            // sessions' answers) until the sessions end or the deadline passes.
            sessions.stopAccepting();
            sessions.drain(shutdownDeadline);
            if (membership != null) {
                membership.stop();
                membership = null;
            }
            server.destroy();
            server = null;
            endedSessions.close();
            timers.shutdownNow();
            log.info("Bootstrap server stopped");
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * A credential stopped authenticating: drop the DTLS connections its device holds, so its next
     * request needs a full handshake, which checks the credential again.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void onCredentialEnded(CredentialEnded ended) {
        if (ended.channel() == CredentialChannel.BOOTSTRAP) {
            closeConnectionsOf(ended.endpoint(), "its credential " + ended.credentialId() + " ended");
        }
    }

    /**
     * Closes the DTLS connections this replica holds for {@code endpoint}; returns how many. Other
     * replicas call it through {@link CredentialEndedBroadcast}.
     */
    int closeConnectionsOf(String endpoint, String why) {
        DTLSConnector connector = dtlsConnector;
        if (connector == null) {
            return 0;
        }
        int closed = 0;
        for (InetSocketAddress peer : peers.forget(endpoint)) {
            connector.close(peer);
            closed++;
            log.info("Closed the DTLS connection of {} at {}: {}", endpoint, peer, why);
        }
        if (closed > 0) {
            int count = closed;
            events.forEach(e -> e.connectionsClosed(count));
        }
        return closed;
    }

    /** The connection the DTLS connection store holds with the device at {@code peer}, if any (diagnostics, tests). */
    public synchronized Optional<Connection> dtlsConnection(InetSocketAddress peer) {
        return Optional.ofNullable(connectionStore == null ? null : connectionStore.get(peer));
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

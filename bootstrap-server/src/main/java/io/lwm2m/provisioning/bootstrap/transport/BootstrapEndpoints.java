package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialEnded;
import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailures;
import io.lwm2m.provisioning.bootstrap.identity.BootstrapServerIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import java.security.cert.X509Certificate;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import io.lwm2m.provisioning.est.EstService;
import io.lwm2m.provisioning.est.coap.EstCoapResources;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.DtlsManagedClusterConnector;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.scandium.dtls.InMemoryReadWriteLockConnectionStore;
import org.eclipse.californium.scandium.dtls.ResumptionSupportingConnectionStore;
import org.eclipse.californium.scandium.config.DtlsClusterConnectorConfig;
import org.eclipse.californium.scandium.dtls.MultiNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

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
    private final BootstrapServerIdentity identity;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final EstService est;
    private final int estThreads;
    private final int maxBodySize;
    private ThreadPoolExecutor estExecutor;
    private final String host;
    private final int coapPort;
    private final int coapsPort;
    private final Duration requestTimeout;
    private static final int CONNECTION_ID_LENGTH = 6;
    private final Duration shutdownDeadline = Duration.ofSeconds(20);
    private CoapServer server;
    private CoapEndpoint coap;
    private CoapEndpoint coaps;
    private DTLSConnector dtlsConnector;
    private ScheduledExecutorService timers;
    private final int workerThreads;
    private final int maxConnections;
    private final Duration staleConnectionAfter;
    private final Duration closeAfterSession;
    private final Duration exchangeLifetime;
    private ResumptionSupportingConnectionStore connectionStore;
    private EndedSessionConnections endedSessions;
    private final RecentPeers peers = new RecentPeers(100_000);
    private final FailureGate gate;
    private final java.util.List<io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents> events;
    private final ClusterSettings cluster;
    private final DtlsCipherSuites cipherSuites;
    private final java.time.Clock clock;
    private ClusterMembership membership;

    BootstrapEndpoints(BootstrapSessionManager sessions, BootstrapConfigStore configs, BootstrapServerIdentity identity,
            CertificateAuthorityService ca, ManufacturerCaService manufacturers, EstService est,
            @Value("${provisioning.est.coap-threads:8}") int estThreads,
            @Value("${provisioning.coap.max-body-size:16384}") int maxBodySize,
            @Value("${provisioning.coap.address:0.0.0.0}") String host,
            @Value("${provisioning.coap.port:5683}") int coapPort,
            @Value("${provisioning.coaps.port:5684}") int coapsPort,
            @Value("${provisioning.bootstrap.request-timeout:30s}") Duration requestTimeout,
            @Value("${provisioning.bootstrap.max-failures-per-source:20}") int maxFailuresPerSource,
            @Value("${provisioning.bootstrap.failure-window:60s}") Duration failureWindow,
            @Value("${provisioning.coap.worker-threads:16}") int workerThreads,
            @Value("${provisioning.coaps.max-connections:100000}") int maxConnections,
            @Value("${provisioning.coaps.stale-connection-after:60s}") Duration staleConnectionAfter,
            @Value("${provisioning.coaps.close-after-session:5s}") Duration closeAfterSession,
            @Value("${provisioning.coap.exchange-lifetime:60s}") Duration exchangeLifetime, java.time.Clock clock,
            java.util.List<io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents> events, ClusterSettings cluster,
            DtlsCipherSuites cipherSuites, HandshakeFailures handshakeFailures) {
        this.cipherSuites = cipherSuites;
        this.workerThreads = workerThreads;
        this.maxConnections = maxConnections;
        this.staleConnectionAfter = staleConnectionAfter;
        this.closeAfterSession = closeAfterSession;
        if (exchangeLifetime.compareTo(Duration.ofSeconds(50)) < 0) {
            throw new IllegalArgumentException("provisioning.coap.exchange-lifetime must be at least 50 s (a client's"
                    + " retransmissions span 45 s), not " + exchangeLifetime);
        }
        this.exchangeLifetime = exchangeLifetime;
        this.events = events;
        this.cluster = cluster;
        this.clock = clock;
        this.gate = new FailureGate(new FailureRateLimiter(maxFailuresPerSource, failureWindow, clock), handshakeFailures, events);
        this.sessions = sessions;
        this.configs = configs;
        this.identity = identity;
        this.ca = ca;
        this.manufacturers = manufacturers;
        this.est = est;
        this.estThreads = estThreads;
        this.maxBodySize = maxBodySize;
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
        config.set(CoapConfig.MAX_ACTIVE_PEERS, Math.max(maxConnections, 1000));
        // Bootstrap-Requests and session steps touch PostgreSQL; more protocol threads than cores
        // keep a waiting query from stalling the CoAP stack (Californium's default: one per core).
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, workerThreads);
        // Deduplication keeps every incoming request's exchange (request and response, ~3 KB) for
        // the exchange lifetime: at 1,300 bootstraps/s RFC 7252's 247 s held ~1 GB. A client's
        // retransmissions end within MAX_TRANSMIT_SPAN (45 s with the default parameters), so a
        // shorter lifetime still answers every retransmission from the cache (ADR 018).
        config.set(CoapConfig.EXCHANGE_LIFETIME, exchangeLifetime.toMillis(), TimeUnit.MILLISECONDS);
        config.set(CoapConfig.NON_LIFETIME, Math.min(exchangeLifetime.toMillis(),
                config.get(CoapConfig.NON_LIFETIME, TimeUnit.MILLISECONDS)), TimeUnit.MILLISECONDS);
        // Blockwise (RFC 7959) for EST: CSRs and certificate chains exceed a datagram. Transfers are
        // matched by URI and peer, not by token, so libcoap's new token per block (with Request-Tag,
        // an elective option) is followed; a body above the limit gets 4.13.
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, maxBodySize);
        config.set(CoapConfig.BLOCKWISE_STRICT_BLOCK1_OPTION, true);
        DtlsConnectorConfig.Builder builder = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(host, coapsPort))
                // The PSK lookup (one SQL statement, ADR 015) answers synchronously on the DTLS worker
                // that runs the handshake: a hand-off to another pool and back cost more than the
                // lookup's wait. The workers are as many as the CoAP protocol threads, so a slow
                // database stalls only the handshakes waiting on it (ADR 016).
                .setAdvancedPskStore(new DatabasePskStore(configs, gate))
                .set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, workerThreads)
                .setApplicationLevelInfoSupplier(DatabasePskStore.CREDENTIAL_INFO)
                .setCertificateIdentityProvider(new SingleCertificateProvider(identity.privateKey(),
                        identity.certificateChain().toArray(new X509Certificate[0]),
                        CertificateType.RAW_PUBLIC_KEY, CertificateType.X_509))
                .setAdvancedCertificateVerifier(new DeviceCertificateVerifier(configs, ca, manufacturers, clock, gate))
                .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED)
                .setDatagramFilter(gate)
                .setSessionListener(gate)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, CONNECTION_ID_LENGTH)
                // A full connection store takes a new handshake only by evicting a connection idle for
                // longer than the threshold (Scandium's default: 30 min). Bootstrap connections are
                // done within a session's deadline, so with the default a server that saw 150,000
                // devices in half an hour refused every further one. The size also bounds the rate
                // of new handshakes: Scandium refuses a ClientHello while more than this many
                // handshakes completed recently. A connection kept open counts for 135 s, one closed
                // after its session (EndedSessionConnections) for at most about 40 s (ADR 018).
                .set(DtlsConfig.DTLS_MAX_CONNECTIONS, maxConnections)
                .set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, staleConnectionAfter.toSeconds(), TimeUnit.SECONDS)
                // No session resumption: every new connection is a full handshake, which checks the
                // credential again, so a revoked or retired one cannot come back through a cached session.
                .set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false)
                .set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false)
                // Preselected rather than fixed: the suites this connector's credentials allow, in
                // this order. The cluster port's DTLS inherits this configuration and, holding only
                // the cluster PSK, picks the PSK suites of the same list.
                .setAsList(DtlsConfig.DTLS_PRESELECTED_CIPHER_SUITES, cipherSuites.cipherSuites().toArray(new CipherSuite[0]));
        if (cluster.enabled()) {
            // The node id is the first byte of every Connection ID this replica issues: a peer that
            // receives a record of this connection forwards it here.
            builder.setConnectionIdGenerator(new MultiNodeConnectionIdGenerator(cluster.nodeId(), CONNECTION_ID_LENGTH))
                    .setHealthHandler(new ClusterTraffic(events));
        }
        DtlsConnectorConfig dtls = builder.build();
        timers = io.lwm2m.provisioning.bootstrap.sessions.Timers.single("bootstrap-request-timer");
        coap = new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(host, coapPort)).build();
        // The store Scandium would create itself, kept here so that ended sessions' connections can leave it.
        connectionStore = new InMemoryReadWriteLockConnectionStore(dtls.get(DtlsConfig.DTLS_MAX_CONNECTIONS),
                dtls.get(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, TimeUnit.SECONDS), dtls.getSessionStore(),
                dtls.get(DtlsConfig.DTLS_REMOVE_STALE_DOUBLE_PRINCIPALS)).setTag(dtls.getLoggingTag());
        dtlsConnector = cluster.enabled() ? clusterConnector(dtls, connectionStore) : new DTLSConnector(dtls, connectionStore) {
        };
        endedSessions = new EndedSessionConnections(dtlsConnector, connectionStore, closeAfterSession);
        coaps = new CoapEndpoint.Builder().setConfiguration(config).setConnector(dtlsConnector).build();
        EndedSessionConnections closer = endedSessions;
        coaps.addInterceptor(new MessageInterceptorAdapter() {
            @Override
            public void receiveRequest(Request request) {
                closer.requestReceived(request.getSourceContext().getPeerAddress());
            }
        });
        server = new CoapServer(config);
        server.addEndpoint(coap);
        server.addEndpoint(coaps);
        server.add(new BootstrapResource(sessions, timers, requestTimeout, peers, gate, endedSessions),
                new BootstrapPackResource(sessions, peers, gate, endedSessions));
        // EST requests reach the database and the CA: they run on their own bounded pool, not on the
        // CoAP threads that carry the bootstrap sessions. A full queue drops the request (the client retransmits).
        estExecutor = new ThreadPoolExecutor(estThreads, estThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(10_000), new NamedThreads("est-coap"), new ThreadPoolExecutor.AbortPolicy());
        EstCoapResources.attach(server, est, estExecutor);
        server.start();
        log.info("Bootstrap server listening on coap://{} and coaps://{} (DTLS 1.2: PSK, RPK, X.509; {})",
                format(coap.getAddress()), format(coaps.getAddress()), dtls.getSupportedCipherSuites());
        if (membership != null) {
            membership.start();
            log.info("DTLS cluster node {}: cluster port {}, peers from {}", cluster.nodeId(),
                    format(clusterAddress()), cluster.peersDns().isEmpty() ? "provisioning.cluster.peers" : cluster.peersDns());
        }
    }

    /**
     * Scandium's Connection-ID cluster connector: a record whose Connection ID names another node is
     * forwarded to that node over the cluster port, and its answers come back through this node (the
     * one the load balancer and the device's NAT know). The cluster port speaks DTLS-PSK with the
     * shared secret, and the forwarded records carry a MAC under those keys, so nothing arriving
     * there unauthenticated is acted upon.
     */
    private DTLSConnector clusterConnector(DtlsConnectorConfig dtls, ResumptionSupportingConnectionStore store) {
        byte[] raw = cluster.secretKey();
        javax.crypto.SecretKey key = SecretUtil.create(raw, "PSK");
        java.util.Arrays.fill(raw, (byte) 0);
        DtlsClusterConnectorConfig clusterConfig;
        try {
            clusterConfig = DtlsClusterConnectorConfig.builder()
                    .setAddress(cluster.address())
                    .setSecure(ClusterSettings.PSK_IDENTITY, key)
                    .setClusterMac(true)
                    .setBackwardMessage(true)
                    .build();
        } finally {
            SecretUtil.destroy(key);
        }
        DtlsManagedClusterConnector connector = new DtlsManagedClusterConnector(dtls, clusterConfig, store) {
        };
        membership = new ClusterMembership(connector, cluster);
        return connector;
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
            estExecutor.shutdownNow();
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

    /** Whether the DTLS connection store holds a connection with the device at {@code peer}. */
    public synchronized boolean holdsDtlsConnection(InetSocketAddress peer) {
        return connectionStore != null && connectionStore.get(peer) != null;
    }

    /** The address the plain CoAP endpoint is bound to (the real port when 0 was configured). */
    public InetSocketAddress coapAddress() {
        return coap.getAddress();
    }

    /** The address the DTLS endpoint is bound to (the real port when 0 was configured). */
    public InetSocketAddress coapsAddress() {
        return coaps.getAddress();
    }

    private record NamedThreads(String prefix, AtomicInteger count) implements ThreadFactory {

        NamedThreads(String prefix) {
            this(prefix, new AtomicInteger());
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    private static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}

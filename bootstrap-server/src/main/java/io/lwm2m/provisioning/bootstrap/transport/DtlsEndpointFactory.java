package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.identity.BootstrapServerIdentity;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import io.lwm2m.provisioning.bootstrap.settings.CoapSettings;
import io.lwm2m.provisioning.bootstrap.settings.CoapsSettings;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.DtlsManagedClusterConnector;
import org.eclipse.californium.scandium.config.DtlsClusterConnectorConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.InMemoryReadWriteLockConnectionStore;
import org.eclipse.californium.scandium.dtls.MultiNodeConnectionIdGenerator;
import org.eclipse.californium.scandium.dtls.ResumptionSupportingConnectionStore;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.springframework.stereotype.Component;

/**
 * Builds the DTLS 1.2 connector of the bootstrap endpoint from its settings: the PostgreSQL-backed
 * PSK store, the certificate verifier and the server's own key and certificate, the cipher suites,
 * the connection store, and, with clustering on, Scandium's Connection-ID cluster connector.
 */
@Component
class DtlsEndpointFactory {

    static final int CONNECTION_ID_LENGTH = 6;

    private final BootstrapServerIdentity identity;
    private final DatabasePskStore pskStore;
    private final DeviceCertificateVerifier verifier;
    private final CoapSettings coap;
    private final CoapsSettings coaps;
    private final ClusterSettings cluster;
    private final FailureGate gate;
    private final List<BootstrapEvents> events;

    DtlsEndpointFactory(BootstrapServerIdentity identity, DatabasePskStore pskStore, DeviceCertificateVerifier verifier,
            CoapSettings coap, CoapsSettings coaps, ClusterSettings cluster, FailureGate gate, List<BootstrapEvents> events) {
        this.identity = identity;
        this.pskStore = pskStore;
        this.verifier = verifier;
        this.coap = coap;
        this.coaps = coaps;
        this.cluster = cluster;
        this.gate = gate;
        this.events = events;
    }

    /** The connector, its store, and the cluster's membership (null when clustering is off). */
    record DtlsEndpoint(DTLSConnector connector, ResumptionSupportingConnectionStore store, ClusterMembership membership,
            List<CipherSuite> cipherSuites) {
    }

    DtlsEndpoint create(Configuration config, WorkerPools pools) {
        DtlsConnectorConfig dtls = configuration(config);
        // The store Scandium would create itself, kept here so that ended sessions' connections can leave it.
        ResumptionSupportingConnectionStore store = new InMemoryReadWriteLockConnectionStore(dtls.get(DtlsConfig.DTLS_MAX_CONNECTIONS),
                dtls.get(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, TimeUnit.SECONDS), dtls.getSessionStore(),
                dtls.get(DtlsConfig.DTLS_REMOVE_STALE_DOUBLE_PRINCIPALS)).setTag(dtls.getLoggingTag());
        if (!cluster.enabled()) {
            DTLSConnector connector = new DTLSConnector(dtls, store) {
            };
            connector.setExecutor(workers(pools));
            return new DtlsEndpoint(connector, store, null, dtls.getSupportedCipherSuites());
        }
        DtlsManagedClusterConnector connector = new DtlsManagedClusterConnector(dtls, clusterConfiguration(), store) {
        };
        connector.setExecutor(workers(pools));
        return new DtlsEndpoint(connector, store, new ClusterMembership(connector, cluster, pools), dtls.getSupportedCipherSuites());
    }

    /**
     * The connector's workers, which it also takes as its timer (it does when they are a scheduled
     * executor). Left to itself, Scandium makes its timer with Californium's {@code ExecutorsUtil}, whose
     * request to drop cancelled tasks misses the JDK's single-thread wrapper: every handshake's cancelled
     * retransmission and last-flight timers stayed queued until they would have fired, ~35,000 at 1,000
     * handshakes/s (decision 093). As many threads as before: the workers and the timer thread together,
     * one per CoAP worker (decision 084).
     */
    private ScheduledExecutorService workers(WorkerPools pools) {
        return pools.scheduledWorkers("dtls-worker", coap.workerThreads());
    }

    private DtlsConnectorConfig configuration(Configuration config) {
        DtlsConnectorConfig.Builder builder = DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress(coap.address(), coaps.port()))
                // The PSK lookup (one SQL statement, ADR 015) answers synchronously on the DTLS worker
                // that runs the handshake: a hand-off to another pool and back cost more than the
                // lookup's wait (ADR 016, measured again in decision 084). The workers (see workers()) are
                // as many as the CoAP protocol threads, by default one per processor (decision 084).
                .setAdvancedPskStore(pskStore)
                .setApplicationLevelInfoSupplier(HandshakeCredential.INFO)
                .setCertificateIdentityProvider(new SingleCertificateProvider(identity.privateKey(),
                        identity.certificateChain().toArray(new X509Certificate[0]),
                        CertificateType.RAW_PUBLIC_KEY, CertificateType.X_509))
                .setAdvancedCertificateVerifier(verifier)
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
                // handshakes completed recently. A connection kept open counts for 135 s; one closed
                // after its session (EndedSessionConnections) leaves within seconds (ADR 018, 082).
                .set(DtlsConfig.DTLS_MAX_CONNECTIONS, coaps.maxConnections())
                .set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, coaps.staleConnectionAfter().toSeconds(), TimeUnit.SECONDS)
                // No session resumption: every new connection is a full handshake, which checks the
                // credential again, so a revoked or retired one cannot come back through a cached session.
                .set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false)
                .set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false)
                // Preselected rather than fixed: the suites this connector's credentials allow, in
                // this order. The cluster port's DTLS inherits this configuration and, holding only
                // the cluster PSK, picks the PSK suites of the same list.
                .setAsList(DtlsConfig.DTLS_PRESELECTED_CIPHER_SUITES, coaps.cipherSuites().toArray(new CipherSuite[0]));
        if (cluster.enabled()) {
            // The node id is the first byte of every Connection ID this replica issues: a peer that
            // receives a record of this connection forwards it here.
            builder.setConnectionIdGenerator(new MultiNodeConnectionIdGenerator(cluster.nodeId(), CONNECTION_ID_LENGTH))
                    .setHealthHandler(new ClusterTraffic(events));
        }
        return builder.build();
    }

    /**
     * Scandium's Connection-ID cluster connector: a record whose Connection ID names another node is
     * forwarded to that node over the cluster port, and its answers come back through this node (the
     * one the load balancer and the device's NAT know). The cluster port speaks DTLS-PSK with the
     * shared secret, and the forwarded records carry a MAC under those keys, so nothing arriving
     * there unauthenticated is acted upon.
     */
    private DtlsClusterConnectorConfig clusterConfiguration() {
        byte[] raw = cluster.secretKey();
        SecretKey key = SecretUtil.create(raw, "PSK");
        Arrays.fill(raw, (byte) 0);
        try {
            return DtlsClusterConnectorConfig.builder()
                    .setAddress(cluster.address())
                    .setSecure(ClusterSettings.PSK_IDENTITY, key)
                    .setClusterMac(true)
                    .setBackwardMessage(true)
                    .build();
        } finally {
            SecretUtil.destroy(key);
        }
    }
}

package io.lwm2m.provisioning.cli.device.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.RandomTokenGenerator;
import org.eclipse.californium.core.network.TokenGenerator;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * What simulated devices share: the configuration, the thread pools, the CoAP token generator and the
 * threads that read the connectors' sockets (a connector has no receiver thread of its own; a pooled
 * thread reads its socket until it closes), so a bootstrap creates no thread. Each bootstrap still
 * opens a fresh connector on a new port: a full handshake, nothing to resume.
 */
public final class DeviceStack {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /**
     * @param server                   the bootstrap server's CoAP (NoSec) or CoAPS address
     * @param secure                   DTLS (coaps) or plain CoAP
     * @param cipherSuites             the suites offered, in order; empty: every suite the credentials allow
     * @param sessionTimeoutMillis     a bootstrap not finished by then fails
     * @param pct                      the Content-Format asked for ({@code pct=}, Accept of a pack); null: none (LwM2M 1.0, TLV)
     * @param sendEndpointName         whether the Bootstrap-Request names the endpoint ({@code ep=}); LwM2M 1.1 may leave it out
     * @param handshakeRetransmissions DTLS flight retransmissions before a handshake fails; null: Scandium's default
     * @param trust                    what the server must present in RPK and X.509 handshakes
     */
    public record Settings(InetSocketAddress server, boolean secure, List<CipherSuite> cipherSuites, long sessionTimeoutMillis,
            Integer pct, boolean sendEndpointName, Integer handshakeRetransmissions, ServerTrust trust) {

        public Settings {
            cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
            trust = trust == null ? ServerTrust.ANY : trust;
        }

        /** The address of a {@code coap://} or {@code coaps://} URI (default ports 5683 and 5684). */
        public static InetSocketAddress address(URI uri) {
            if (uri.getHost() == null || !("coaps".equals(uri.getScheme()) || "coap".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("the server URI must be coaps://host[:port] (or coap:// for NoSec), not " + uri);
            }
            int port = uri.getPort() > 0 ? uri.getPort() : "coaps".equals(uri.getScheme()) ? 5684 : 5683;
            try {
                return new InetSocketAddress(InetAddress.getByName(uri.getHost()), port);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown host " + uri.getHost() + " in " + uri);
            }
        }
    }

    /** The pools every session of a stack uses; shut down in reverse order of use. */
    public record Threads(ScheduledExecutorService dtls, ScheduledExecutorService coap, ScheduledExecutorService coapSecondary,
            ExecutorService receivers, ThreadPoolExecutor closer) {

        /** {@code clientThreads} threads each for DTLS and CoAP, one CoAP timer, and receivers and closers as needed. */
        public static Threads create(String prefix, int clientThreads) {
            ThreadPoolExecutor closer = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                    daemon(prefix + "-close"), new ThreadPoolExecutor.CallerRunsPolicy());
            return new Threads(scheduled(prefix + "-dtls", clientThreads), scheduled(prefix + "-coap", clientThreads),
                    scheduled(prefix + "-coap-timer", 1), Executors.newCachedThreadPool(daemon(prefix + "-receive")), closer);
        }

        /** Lets the closers finish (bounded), then stops everything. */
        public void shutdown() throws InterruptedException {
            closer.shutdown();
            closer.awaitTermination(20, TimeUnit.SECONDS);
            dtls.shutdownNow();
            coap.shutdownNow();
            coapSecondary.shutdownNow();
            receivers.shutdownNow();
        }

        private static ScheduledThreadPoolExecutor scheduled(String name, int threads) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, daemon(name));
            pool.setRemoveOnCancelPolicy(true);
            return pool;
        }

        public static ThreadFactory daemon(String name) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }

    final Settings settings;
    final Threads threads;
    final Configuration config;
    final TokenGenerator tokens;
    final InetSocketAddress localAddress;
    final String uriPrefix;

    public DeviceStack(Settings settings, Threads threads) {
        this.settings = settings;
        this.threads = threads;
        Configuration c = new Configuration();
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        if (!settings.cipherSuites().isEmpty()) {
            c.set(DtlsConfig.DTLS_CIPHER_SUITES, settings.cipherSuites());
        }
        if (settings.handshakeRetransmissions() != null) {
            c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, settings.handshakeRetransmissions());
        }
        // No receiver thread per connector: a pooled one reads its socket (see PooledReceiverConnector).
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 0);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
        // Known MTU: skips the network-interface lookup each connector would do at start.
        c.set(DtlsConfig.DTLS_MAX_TRANSMISSION_UNIT, 1280);
        // No session id: even a reused connector could not resume.
        c.set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false);
        // The server is checked by the key or certificates it presents (ServerTrust), not by its name.
        c.set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false);
        c.set(CoapConfig.MAX_ACTIVE_PEERS, 4);
        this.config = c;
        // One for all endpoints: each would otherwise seed a SecureRandom of its own.
        this.tokens = new RandomTokenGenerator(c);
        InetAddress server = settings.server().getAddress();
        this.localAddress = new InetSocketAddress(server.isLoopbackAddress() ? InetAddress.getLoopbackAddress() : null, 0);
        String host = server.getHostAddress();
        this.uriPrefix = (settings.secure() ? "coaps" : "coap") + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                + settings.server().getPort();
    }

    /** One bootstrap ({@code POST /bs}) of {@code device} answered by {@code responder}; never longer than the session timeout (plus scheduling). */
    public SessionResult bootstrap(DeviceIdentity device, Responder responder) throws InterruptedException {
        return new DeviceSession(this, device, responder, false).run();
    }

    /** One LwM2M 1.2 Bootstrap-Pack-Request ({@code GET /bspack}); the pack goes to {@code responder}. */
    public SessionResult packRequest(DeviceIdentity device, Responder responder) throws InterruptedException {
        return new DeviceSession(this, device, responder, true).run();
    }

    public Settings settings() {
        return settings;
    }

    /** For closing endpoints off the session's thread. */
    Executor closer() {
        return threads.closer();
    }
}

package io.lwm2m.provisioning.est.https;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.ServerNames;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.est.EstService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * EST over HTTPS (RFC 7030) on its own TLS port, for gateways and factory line tools: a small
 * dedicated server (the JDK's HttpsServer) rather than a second Tomcat connector, so client
 * certificates are checked against our CA and the manufacturer CAs without touching the admin API's
 * security. Its server certificate is issued by our CA at start. {@code port} -1 disables it.
 */
@Component
public class EstHttpsServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EstHttpsServer.class);
    private static final char[] NO_PASSWORD = new char[0];

    private final EstService est;
    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final SecureRandom random;
    private final String address;
    private final int port;
    private final String hostname;
    private final ServerNames names;
    private final int threads;
    private HttpsServer server;
    private ExecutorService executor;

    EstHttpsServer(EstService est, CertificateAuthorityService ca, ManufacturerCaService manufacturers, SecureRandom random,
            @Value("${provisioning.est.https.address:0.0.0.0}") String address,
            @Value("${provisioning.est.https.port:8443}") int port,
            @Value("${provisioning.est.https.hostname:${provisioning.bootstrap.hostname:localhost}}") String hostname,
            @Value("${provisioning.est.https.subject-alt-names:${provisioning.bootstrap.subject-alt-names:}}") List<String> altNames,
            @Value("${provisioning.est.https.threads:8}") int threads) {
        this.names = ServerNames.forHost(hostname, altNames, "provisioning.est.https.subject-alt-names");
        this.est = est;
        this.ca = ca;
        this.manufacturers = manufacturers;
        this.random = random;
        this.address = address;
        this.port = port;
        this.hostname = hostname;
        this.threads = threads;
    }

    @Override
    public synchronized void start() {
        if (port < 0) {
            log.info("EST over HTTPS is disabled (provisioning.est.https.port=-1)");
            return;
        }
        try {
            server = HttpsServer.create(new InetSocketAddress(address, port), 128);
            server.setHttpsConfigurator(new HttpsConfigurator(tlsContext()) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                    // Wanted, not needed: cacerts is open to all; enrollment refuses anonymous clients itself (401).
                    ssl.setWantClientAuth(true);
                    ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    parameters.setSSLParameters(ssl);
                }
            });
            AtomicInteger count = new AtomicInteger();
            executor = Executors.newFixedThreadPool(threads, r -> {
                Thread thread = new Thread(r, "est-https-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.createContext(EstHttpsHandler.BASE, new EstHttpsHandler(est));
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind EST over HTTPS to " + address + ":" + port, e);
        }
        log.info("EST over HTTPS listening on https://{}:{}{}", address, server.getAddress().getPort(), EstHttpsHandler.BASE);
    }

    /** The bound address (the real port when 0 was configured); null when disabled. */
    public synchronized InetSocketAddress address() {
        return server == null ? null : server.getAddress();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(1);
            executor.shutdownNow();
            server = null;
            log.info("EST over HTTPS stopped");
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    private SSLContext tlsContext() {
        try {
            KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
            X509Certificate certificate = ca.issueServer(keys.getPublic(), hostname, names, "system:est-https");
            List<Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(ca.chain());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("est", keys.getPrivate(), NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new ClientCertificates()}, random);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for EST over HTTPS", e);
        }
    }

    /** A client certificate must come from our CA (valid, not revoked) or a registered manufacturer CA. */
    private final class ClientCertificates implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            List<X509Certificate> path = Arrays.asList(chain);
            if (!ca.isValid(path) && manufacturers.endpointsVouchedFor(path).isEmpty()) {
                throw new CertificateException("client certificate neither from this CA nor from a registered manufacturer CA, "
                        + "or expired, or revoked");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("this trust manager only checks clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            // No issuer list: a factory certificate may come from an intermediate that is not registered itself.
            return new X509Certificate[0];
        }
    }
}

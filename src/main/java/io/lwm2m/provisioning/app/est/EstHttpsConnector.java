package io.lwm2m.provisioning.app.est;

import io.lwm2m.provisioning.est.EstSettings;
import io.lwm2m.provisioning.est.https.EstHttpsController;
import io.lwm2m.provisioning.est.https.EstHttpsTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContextException;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * EST over HTTPS (RFC 7030) as a second connector of the app's Tomcat: its own port and threads,
 * TLS with a certificate from our CA and client certificates wanted, not needed (cacerts is open to
 * all; enrollment refuses anonymous clients itself). It serves {@link EstHttpsController}'s paths
 * and nothing else ({@link EstPortValve}); the access log, HTTP metrics and graceful shutdown are
 * Tomcat's and Spring Boot's, as for the API. {@code provisioning.est.https.port} -1 disables it.
 */
@Component
public class EstHttpsConnector implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, SmartInitializingSingleton,
        ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(EstHttpsConnector.class);

    /** Resolved late: the web server factory is customised before the database and the CA exist. */
    private final ObjectProvider<EstHttpsTls> tls;
    private final EstSettings.Https settings;
    private volatile Connector connector;
    private SSLHostConfigCertificate certificate;

    EstHttpsConnector(ObjectProvider<EstHttpsTls> tls, EstSettings settings) {
        this.tls = tls;
        this.settings = settings.https();
    }

    @Override
    public synchronized void customize(TomcatServletWebServerFactory factory) {
        if (!settings.enabled() || connector != null) {
            return;
        }
        Connector https = new Connector(Http11NioProtocol.class.getName());
        https.setPort(settings.port());
        https.setScheme("https");
        https.setSecure(true);
        Http11NioProtocol protocol = (Http11NioProtocol) https.getProtocolHandler();
        protocol.setAddress(bindAddress());
        protocol.setMaxThreads(settings.threads());
        protocol.setSSLEnabled(true);
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setProtocols("TLSv1.2+TLSv1.3");
        ssl.setCertificateVerification("optional");
        certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        ssl.addCertificate(certificate);
        protocol.addSslHostConfig(ssl);
        factory.addAdditionalConnectors(https);
        factory.addContextValves(new EstPortValve(https));
        connector = https;
    }

    /** Before the web server starts its connectors: the CA issues this start's certificate. */
    @Override
    public synchronized void afterSingletonsInstantiated() {
        if (!settings.enabled()) {
            log.info("EST over HTTPS is disabled (provisioning.est.https.port=-1)");
        } else if (certificate != null) {
            try {
                certificate.setSslContext(new IssuedSslContext(tls.getObject().issue()));
            } catch (RuntimeException e) {
                // As Spring reports a bean that fails to start: the CA's own error (an imported key that does not match) is the cause.
                throw new ApplicationContextException("Failed to set up EST over HTTPS", e);
            }
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (connector != null && event.getApplicationContext().getServerNamespace() == null) {
            log.info("EST over HTTPS listening on https://{}:{}{}/", settings.address(), connector.getLocalPort(),
                    EstHttpsController.BASE);
        }
    }

    /** The bound address (the real port when 0 was configured); null when disabled or not started. */
    public InetSocketAddress address() {
        Connector https = connector;
        return https == null || https.getLocalPort() <= 0 ? null : new InetSocketAddress(settings.address(), https.getLocalPort());
    }

    private InetAddress bindAddress() {
        try {
            return InetAddress.getByName(settings.address());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("provisioning.est.https.address: cannot resolve " + settings.address(), e);
        }
    }
}

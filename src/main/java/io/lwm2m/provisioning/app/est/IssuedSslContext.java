package io.lwm2m.provisioning.app.est;

import io.lwm2m.provisioning.est.https.EstHttpsTls;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import org.apache.tomcat.util.net.SSLContext;

/**
 * Hands Tomcat a TLS context built by {@link EstHttpsTls} (a certificate from our CA, a client check
 * against our records) instead of one Tomcat would build from key and trust store files: Tomcat
 * takes a provided context as it is (SSLHostConfigCertificate#setSslContext) and never initialises it.
 */
final class IssuedSslContext implements SSLContext {

    private final EstHttpsTls.ServerTls tls;

    IssuedSslContext(EstHttpsTls.ServerTls tls) {
        this.tls = tls;
    }

    @Override
    public void init(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random) {
        throw new IllegalStateException("EST over HTTPS brings its own, initialised TLS context");
    }

    @Override
    public void destroy() {
        // A JDK context holds nothing to release.
    }

    @Override
    public SSLSessionContext getServerSessionContext() {
        return tls.context().getServerSessionContext();
    }

    @Override
    public SSLEngine createSSLEngine() {
        return tls.context().createSSLEngine();
    }

    @Override
    public SSLServerSocketFactory getServerSocketFactory() {
        return tls.context().getServerSocketFactory();
    }

    @Override
    public SSLParameters getSupportedSSLParameters() {
        return tls.context().getSupportedSSLParameters();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return tls.chain().clone();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // As the client check: no issuer list (a factory certificate may come from an unregistered intermediate).
        return new X509Certificate[0];
    }
}

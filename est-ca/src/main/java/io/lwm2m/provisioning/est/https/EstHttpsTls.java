package io.lwm2m.provisioning.est.https;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.ServerNames;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.est.EstSettings;
import java.io.IOException;
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
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The TLS side of EST over HTTPS, for the connector that carries it: a server certificate issued by
 * our CA (CN {@code provisioning.est.https.hostname}, its subjectAltNames), and a client check that
 * accepts only certificates from our CA (valid, not revoked) or from a registered manufacturer CA.
 */
@Component
public class EstHttpsTls {

    private static final char[] NO_PASSWORD = new char[0];

    private final CertificateAuthorityService ca;
    private final ManufacturerCaService manufacturers;
    private final SecureRandom random;
    private final String hostname;
    private final ServerNames names;

    /**
     * Unset, the names are the bootstrap server's: read here by property name, since those settings
     * belong to a module above this one.
     */
    EstHttpsTls(CertificateAuthorityService ca, ManufacturerCaService manufacturers, SecureRandom random, EstSettings settings,
            Environment environment) {
        EstSettings.Https https = settings.https();
        Binder binder = Binder.get(environment);
        this.hostname = https.hostname() != null ? https.hostname()
                : binder.bind("provisioning.bootstrap.hostname", String.class).orElse("localhost");
        List<String> altNames = https.subjectAltNames() != null ? https.subjectAltNames()
                : binder.bind("provisioning.bootstrap.subject-alt-names", Bindable.listOf(String.class)).orElse(List.of());
        this.names = ServerNames.forHost(hostname, altNames, "provisioning.est.https.subject-alt-names");
        this.ca = ca;
        this.manufacturers = manufacturers;
        this.random = random;
    }

    /** A TLS context and the certificate chain it presents, server certificate first. */
    public record ServerTls(SSLContext context, X509Certificate[] chain) {
    }

    /**
     * Issues a new server certificate (a {@code certificates} row requested by
     * {@code system:est-https}, as at every start) and a TLS context presenting it.
     */
    public ServerTls issue() {
        try {
            KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
            X509Certificate certificate = ca.issueServer(keys.getPublic(), hostname, names, "system:est-https");
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(ca.chain());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("est", keys.getPrivate(), NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new ClientCertificates()}, random);
            return new ServerTls(context, chain.toArray(new X509Certificate[0]));
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

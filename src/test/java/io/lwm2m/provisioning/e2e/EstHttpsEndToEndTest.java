package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.CertificateIssuer;
import io.lwm2m.provisioning.ca.CertificateProfile;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.app.est.EstHttpsConnector;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.Environment;

/**
 * EST over HTTPS (RFC 7030) driven by Bouncy Castle's EST client (not our code): cacerts,
 * simpleenroll with a factory certificate, simplereenroll with the issued one, serverkeygen,
 * csrattrs, and the refusals; every certificate lands in the CA's records.
 */
@RequiresTool(value = "openssl", debianPackage = "openssl")
class EstHttpsEndToEndTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static TestServer server;
    private static String profile;
    private static GeneratedCa manufacturer;
    private static List<X509Certificate> chain;

    @BeforeAll
    static void setUp() {
        server = TestServer.shared();
        String dm = EstSupport.estServer(server, 621);
        profile = EstSupport.profile(server, dm, "{\"keyTypes\":[\"P-256\",\"P-384\"]}");
        manufacturer = CaFactory.generate(KeyAlgorithm.EC_P256, "Gateway Factory", "Acme Gateways", Duration.ofDays(365),
                Duration.ofDays(365), null, RANDOM);
        TestServer.ApiResponse registered = server.call("POST", "/api/v1/manufacturer-cas", "{\"name\":\"" + Fixtures.unique("gw")
                + "\",\"certificate\":" + TestServer.JSON.writeValueAsString(Pem.certificate(manufacturer.issuing())) + "}");
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        chain = Pem.parseCertificates(server.call("GET", "/api/v1/ca/certificates", null, null).body());
    }

    private static String authority() {
        return "127.0.0.1:" + server.bean(EstHttpsConnector.class).address().getPort();
    }

    /** Bouncy Castle's EST client, trusting our root, optionally presenting a client certificate. */
    private static ESTService client(X509Certificate certificate, PrivateKey key) throws Exception {
        JsseESTServiceBuilder builder = new JsseESTServiceBuilder(authority(), trustOurRoot())
                // The server certificate names the configured host name (localhost), we dial 127.0.0.1.
                .withHostNameAuthorizer((name, session) -> ((X509Certificate) session.getPeerCertificates()[0])
                        .getSubjectX500Principal().getName().contains("CN=localhost"));
        if (certificate != null) {
            builder.withKeyManagers(keyManagers(certificate, key));
        }
        return builder.build();
    }

    /** The JDK's PKIX trust manager with our root as the only anchor. */
    private static X509TrustManager trustOurRoot() throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("root", chain.get(chain.size() - 1));
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(anchors);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static KeyManager[] keyManagers(X509Certificate certificate, PrivateKey key) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, new char[0], new Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
    }

    private record Identity(X509Certificate certificate, KeyPair keys) {
    }

    /** A registered device and the factory certificate (IDevID) its manufacturer gave it. */
    private static Identity factoryDevice(String endpoint) {
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
        X509Certificate idevid = new CertificateIssuer(manufacturer.issuing(), manufacturer.issuingKey(), null, null, RANDOM)
                .issue(keys.getPublic(), CertificateProfile.device(Duration.ofDays(30)), endpoint, null,
                        CertificateIssuer.randomSerial(RANDOM), Instant.now());
        return new Identity(idevid, keys);
    }

    private static PKCS10CertificationRequest csr(KeyPair keys, String cn) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + cn), keys.getPublic())
                .build(new JcaContentSignerBuilder(KeyAlgorithm.of(keys.getPublic()).signatureAlgorithm()).build(keys.getPrivate()));
    }

    private static X509Certificate only(EnrollmentResponse response) throws Exception {
        X509CertificateHolder[] certificates = ESTService.storeToArray(response.getStore());
        assertThat(certificates).hasSize(1);
        return new JcaX509CertificateConverter().getCertificate(certificates[0]);
    }

    private static String deviceEndpoint() {
        return EstSupport.pskDevice(server, profile).endpoint();
    }

    @Test
    void getCaCertsAnswersOurChain() throws Exception {
        X509CertificateHolder[] certificates = ESTService.storeToArray(client(null, null).getCACerts().getCertificateStore());
        List<X509Certificate> received = new ArrayList<>();
        for (X509CertificateHolder holder : certificates) {
            received.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(chain);
    }

    @Test
    void aFactoryCertificateEnrollsAndTheIssuedOneReEnrolls() throws Exception {
        String endpoint = deviceEndpoint();
        Identity idevid = factoryDevice(endpoint);
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);
        EnrollmentResponse enrolled = client(idevid.certificate(), idevid.keys().getPrivate()).simpleEnroll(false, csr(keys, endpoint), null);
        assertThat(enrolled.isCompleted()).isTrue();
        X509Certificate ldevid = only(enrolled);
        assertThat(ldevid.getPublicKey()).isEqualTo(keys.getPublic());
        ldevid.verify(chain.get(0).getPublicKey());
        assertThat(EstSupport.certificates(server, endpoint).get(0).get("serial").asString())
                .isEqualTo(ldevid.getSerialNumber().toString(16));

        KeyPair next = KeyAlgorithm.EC_P384.generate(RANDOM);
        X509Certificate renewed = only(client(ldevid, keys.getPrivate()).simpleEnroll(true, csr(next, endpoint), null));
        assertThat(renewed.getPublicKey()).isEqualTo(next.getPublic());
        assertThat(EstSupport.certificates(server, endpoint).size()).isEqualTo(2);

        // simplereenroll with the factory certificate (not ours) is refused.
        ESTException refused = catchEst(() -> client(idevid.certificate(), idevid.keys().getPrivate())
                .simpleEnroll(true, csr(KeyAlgorithm.EC_P256.generate(RANDOM), endpoint), null));
        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(EstSupport.certificates(server, endpoint).size()).isEqualTo(2);
    }

    @Test
    void serverKeyGenerationReturnsTheKeyWithItsCertificate() throws Exception {
        String endpoint = deviceEndpoint();
        Identity idevid = factoryDevice(endpoint);
        EnrollmentResponse response = client(idevid.certificate(), idevid.keys().getPrivate())
                .simpleEnrollWithServersideCreation(csr(KeyAlgorithm.EC_P256.generate(RANDOM), endpoint), null);
        X509Certificate certificate = only(response);
        assertThat(response.getPrivateKeyInfo()).isNotNull();
        TestOutput.rememberSecret(Base64.getEncoder().encodeToString(response.getPrivateKeyInfo().getEncoded()));
        PrivateKey key = java.security.KeyFactory.getInstance("EC")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(response.getPrivateKeyInfo().getEncoded()));
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {7});
        byte[] signature = signer.sign();
        signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initVerify(certificate.getPublicKey());
        signer.update(new byte[] {7});
        assertThat(signer.verify(signature)).isTrue();
    }

    @Test
    void csrAttributesNameTheEndpointAndKeyTypes() throws Exception {
        String endpoint = deviceEndpoint();
        Identity idevid = factoryDevice(endpoint);
        var attributes = client(idevid.certificate(), idevid.keys().getPrivate()).getCSRAttributes().getAttributesResponse();
        assertThat(attributes.getRequirements()).contains(org.bouncycastle.asn1.x500.style.BCStyle.CN,
                PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
                org.bouncycastle.asn1.x9.X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Test
    void refusalsCarryTheRuleAndIssueNothing() throws Exception {
        String endpoint = deviceEndpoint();
        Identity idevid = factoryDevice(endpoint);
        ESTService authenticated = client(idevid.certificate(), idevid.keys().getPrivate());
        KeyPair keys = KeyAlgorithm.EC_P256.generate(RANDOM);

        assertThat(catchEst(() -> client(null, null).simpleEnroll(false, csr(keys, endpoint), null)).getStatusCode()).isEqualTo(401);
        assertThat(catchEst(() -> authenticated.simpleEnroll(false, csr(keys, "urn:dev:not-me"), null)).getStatusCode()).isEqualTo(403);
        assertThat(catchEst(() -> authenticated.simpleEnroll(false, csr(KeyAlgorithm.RSA_2048.generate(RANDOM), endpoint), null))
                .getStatusCode()).isEqualTo(403);
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        PKCS10CertificationRequest caRequest = new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + endpoint), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        assertThat(catchEst(() -> authenticated.simpleEnroll(false, caRequest, null)).getStatusCode()).isEqualTo(403);

        // A certificate from an unregistered CA does not even complete the TLS handshake.
        GeneratedCa rogue = CaFactory.generate(KeyAlgorithm.EC_P256, "Rogue", "Rogue", Duration.ofDays(10), Duration.ofDays(10),
                null, RANDOM);
        KeyPair rogueKeys = KeyAlgorithm.EC_P256.generate(RANDOM);
        X509Certificate rogueCertificate = new CertificateIssuer(rogue.issuing(), rogue.issuingKey(), null, null, RANDOM)
                .issue(rogueKeys.getPublic(), CertificateProfile.device(Duration.ofDays(1)), endpoint, null,
                        CertificateIssuer.randomSerial(RANDOM), Instant.now());
        assertThatThrownBy(() -> client(rogueCertificate, rogueKeys.getPrivate()).simpleEnroll(false, csr(keys, endpoint), null))
                .isInstanceOf(java.io.IOException.class);

        // Raw HTTP: a forged signature, garbage, the wrong content type, an unknown label.
        byte[] forged = csr(keys, endpoint).getEncoded();
        forged[forged.length - 3] ^= 1;
        assertThat(post(idevid, "simpleenroll", "application/pkcs10", base64Lines(forged))).startsWith("400 csr.signature");
        assertThat(post(idevid, "simpleenroll", "application/pkcs10", "!!! not base64 !!!")).startsWith("400 csr.malformed");
        assertThat(post(idevid, "simpleenroll", "text/plain", base64Lines(csr(keys, endpoint).getEncoded()))).startsWith("415");
        assertThat(post(idevid, "nosuchlabel/simpleenroll", "application/pkcs10", base64Lines(csr(keys, endpoint).getEncoded())))
                .startsWith("404 label.unknown");
        assertThat(EstSupport.certificates(server, endpoint).size()).as("nothing issued").isZero();

        // RFC 8951: whitespace inside the base64 and a Content-Transfer-Encoding header are fine.
        assertThat(post(idevid, "simpleenroll", "application/pkcs10", " " + base64Lines(csr(keys, endpoint).getEncoded())
                .replace("\n", "\r\n  \t") + "\n")).startsWith("200 ");
        assertThat(EstSupport.certificates(server, endpoint).size()).isEqualTo(1);
    }

    @Test
    void estIsServedOnItsOwnPortAndNothingElseIs() throws Exception {
        TestServer.ApiResponse onApiPort = server.call("GET", "/.well-known/est/cacerts", null, null);
        assertThat(onApiPort.status()).isEqualTo(404);
        assertThat(onApiPort.contentType()).startsWith("application/problem+json");

        assertThat(get("/api/v1/ca/certificates")).startsWith("404 path: this port serves EST over HTTPS only");
        assertThat(get("/swagger-ui.html")).startsWith("404 path:");
        assertThat(get("/.well-known/est/cacerts")).startsWith("200 ");
        assertThat(get("/.well-known/est/nosuchoperation")).startsWith("404 operation: 'nosuchoperation'");
        assertThat(get("/.well-known/est/a/b/cacerts")).startsWith("404 path: expected /.well-known/est/[<label>/]<operation>");
        assertThat(get("/.well-known/est/simpleenroll")).startsWith("405 method: simpleenroll takes POST");
    }

    @Test
    void estRequestsAreMeasuredLikeEveryHttpRequest() throws Exception {
        client(null, null).getCACerts();

        String management = "http://127.0.0.1:" + server.bean(Environment.class).getProperty("local.management.port");
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(management
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.body().lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")
                && line.contains("method=\"GET\"") && line.contains("status=\"200\"")
                && line.contains("uri=\"/.well-known/est/{operation}\""))).isNotEmpty();
    }

    /** A raw GET on the EST port without a client certificate: "status body". */
    private static String get(String path) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new X509TrustManager[] {trustOurRoot()}, RANDOM);
        HttpsURLConnection connection = (HttpsURLConnection) new URL("https://" + authority() + path).openConnection();
        connection.setSSLSocketFactory(tls.getSocketFactory());
        connection.setHostnameVerifier((name, session) -> true);
        return answer(connection);
    }

    private static String answer(HttpsURLConnection connection) throws Exception {
        int status = connection.getResponseCode();
        InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        in.transferTo(response);
        return status + " " + response.toString(StandardCharsets.UTF_8);
    }

    private static String base64Lines(byte[] der) {
        return Base64.getMimeEncoder(40, new byte[] {'\n'}).encodeToString(der);
    }

    /** A raw POST with the device's factory certificate: "status body". */
    private static String post(Identity identity, String path, String contentType, String body) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers(identity.certificate(), identity.keys().getPrivate()), new X509TrustManager[] {trustOurRoot()}, RANDOM);
        HttpsURLConnection connection = (HttpsURLConnection) new URL("https://" + authority() + "/.well-known/est/" + path).openConnection();
        connection.setSSLSocketFactory(tls.getSocketFactory());
        connection.setHostnameVerifier((name, session) -> true);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", contentType);
        connection.setRequestProperty("Content-Transfer-Encoding", "base64");
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.US_ASCII));
        }
        return answer(connection);
    }

    private interface EstCall {
        Object call() throws Exception;
    }

    private static ESTException catchEst(EstCall call) {
        try {
            call.call();
        } catch (ESTException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an EST error status, got " + e, e);
        }
        throw new AssertionError("expected an EST error status, got success");
    }
}

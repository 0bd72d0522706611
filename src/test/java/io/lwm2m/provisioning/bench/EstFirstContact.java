package io.lwm2m.provisioning.bench;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.Failure;
import io.lwm2m.provisioning.cli.device.client.ServerTrust;
import io.lwm2m.provisioning.cli.device.client.SessionResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * The first contact of an EST-only device nobody registered (issue 17): a fresh DTLS handshake with
 * its factory certificate, then {@code POST /.well-known/est/sen} with a CSR for a new P-256 key
 * naming its endpoint, answered 2.04 with its first certificate from our CA. Each call is a new
 * device, so each enrollment is an admission by the device's X.509 group.
 */
final class EstFirstContact {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final InetSocketAddress server;
    private final DeviceStack.Threads threads;
    private final long timeoutMillis;
    private final Configuration config;
    private final SecureRandom random = new SecureRandom();

    EstFirstContact(InetSocketAddress server, DeviceStack.Threads threads, long timeoutMillis) {
        this.server = server;
        this.threads = threads;
        this.timeoutMillis = timeoutMillis;
        Configuration c = new Configuration();
        c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        c.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8);
        c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
        c.set(DtlsConfig.DTLS_MAX_TRANSMISSION_UNIT, 1280);
        c.set(DtlsConfig.DTLS_SERVER_USE_SESSION_ID, false);
        c.set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false);
        c.set(CoapConfig.MAX_ACTIVE_PEERS, 4);
        this.config = c;
    }

    /**
     * One enrollment of {@code device} (its factory certificate). The CSR is made before the clock
     * starts: its cost is the device's, not the server's. The whole exchange is the "request answered"
     * time too, as there is nothing after the answer.
     */
    SessionResult enroll(DeviceIdentity device) throws InterruptedException {
        byte[] csr = csr(device.endpoint());
        long start = System.nanoTime();
        CoapEndpoint endpoint = null;
        try {
            DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(config)
                    .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // A load generator: any server certificate will do.
            device.credentials().configure(dtls, ServerTrust.ANY);
            DTLSConnector connector = new DTLSConnector(dtls.build());
            connector.setExecutor(threads.dtls());
            endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build();
            endpoint.setExecutors(threads.coap(), threads.coapSecondary());
            endpoint.start();
            Request sen = Request.newPost();
            sen.setURI("coaps://127.0.0.1:" + server.getPort() + "/.well-known/est/sen");
            sen.getOptions().setContentFormat(286).setAccept(287);
            sen.setPayload(csr);
            start = System.nanoTime();
            endpoint.sendRequest(sen);
            Response response = sen.waitForResponse(timeoutMillis);
            long end = System.nanoTime();
            if (response == null) {
                return result("no answer within " + timeoutMillis + " ms (handshake or sen)", Failure.NO_ANSWER, start, end, null);
            }
            String code = response.getCode().toString();
            return response.getCode() == ResponseCode.CHANGED ? result(null, null, start, end, code)
                    : result("sen answered " + code + " " + response.getPayloadString(), Failure.OTHER_ANSWER, start, end, code);
        } catch (IOException | RuntimeException e) {
            return result("client error: " + e, Failure.OTHER_ANSWER, start, System.nanoTime(), null);
        } finally {
            CoapEndpoint toClose = endpoint;
            if (toClose != null) {
                threads.closer().execute(toClose::destroy);
            }
        }
    }

    private static SessionResult result(String failure, Failure kind, long start, long end, String code) {
        return new SessionResult(failure, kind, start, end, -1, failure == null ? end - start : -1, 0, 0, null, code);
    }

    private byte[] csr(String endpoint) {
        KeyPair keys = KeyAlgorithm.EC_P256.generate(random);
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + endpoint), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

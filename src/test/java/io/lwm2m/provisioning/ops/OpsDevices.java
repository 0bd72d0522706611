package io.lwm2m.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.californium.endpoint.coaps.CoapsClientProtocolProvider;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.resource.SimpleInstanceEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.request.BootstrapRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import tools.jackson.databind.JsonNode;

/** Devices and DM servers for the operations tests: registered through the API, driven by real clients. */
final class OpsDevices {

    private static final AtomicInteger sequence = new AtomicInteger();

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private OpsDevices() {
    }

    static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet();
    }

    /** Creates a PSK DM server (201 expected) and returns its name. */
    static String dmServer(OpsServer server) {
        String name = unique("dm");
        OpsServer.Response response = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://dm.example:5684","shortServerId":%d,"lifetime":300,"binding":"U","securityMode":"PSK","notificationStoring":true}"""
                .formatted(name, 100 + sequence.incrementAndGet() % 900));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return name;
    }

    /** Registers a device whose bootstrap credential of {@code mode} (PSK, X509) is generated. */
    static Registered device(OpsServer server, String mode, String dmServer) {
        String endpoint = unique("urn:dev:ops");
        OpsServer.Response response = server.call("POST", "/api/v1/devices", """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"%s"}}""".formatted(endpoint, dmServer, mode));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        JsonNode bootstrap = response.json().get("bootstrapCredential");
        return new Registered(endpoint, bootstrap.has("identity") ? bootstrap.get("identity").asString() : null,
                bootstrap.has("key") ? HexFormat.of().parseHex(bootstrap.get("key").asString()) : null,
                bootstrap.has("certificate") ? bootstrap.get("certificate").asString() : null);
    }

    /** A registered device and the credential its creation returned. */
    record Registered(String endpoint, String identity, byte[] key, String certificatePem) {

        X509Certificate certificate() {
            return certificates(certificatePem).get(0);
        }
    }

    /** The certificates of a PEM text, in order. */
    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> result = new ArrayList<>();
        Matcher blocks = Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL).matcher(pem);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (blocks.find()) {
                byte[] der = Base64.getMimeDecoder().decode(blocks.group(1));
                result.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /**
     * Bootstraps {@code device} with Eclipse Leshan's LwM2M client over DTLS-PSK and returns whether
     * it succeeded.
     */
    static boolean leshanBootstrap(InetSocketAddress coaps, Registered device, Duration timeout) throws Exception {
        ObjectsInitializer objects = new ObjectsInitializer(new StaticModel(ObjectLoader.loadDefault()));
        objects.setInstancesForObject(LwM2mId.SECURITY, Security.pskBootstrap(
                "coaps://" + coaps.getAddress().getHostAddress() + ":" + coaps.getPort(),
                device.identity().getBytes(StandardCharsets.UTF_8), device.key()));
        objects.setClassForObject(LwM2mId.SERVER, Server.class);
        objects.setClassForObject(LwM2mId.ACCESS_CONTROL, SimpleInstanceEnabler.class);
        objects.setInstancesForObject(LwM2mId.DEVICE, new Device("ops", "leshan-client", "0001"));

        CaliforniumClientEndpointsProvider.Builder endpoints = new CaliforniumClientEndpointsProvider.Builder(
                new CoapClientProtocolProvider(), new CoapsClientProtocolProvider());
        Configuration config = endpoints.createDefaultConfiguration();
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        endpoints.setConfiguration(config).setClientAddress(InetAddress.getLoopbackAddress());
        DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory()
                .setRequestTimeoutInMs(5_000)
                .setBootstrapSessionTimeoutInSec(20)
                .setRetryWaitingTimeInMs(600_000);
        engine.setPreferredContentFormat(ContentFormat.SENML_CBOR);
        LeshanClient client = new LeshanClientBuilder(device.endpoint())
                .setObjects(objects.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.ACCESS_CONTROL, LwM2mId.DEVICE))
                .setEndpointsProviders(endpoints.build())
                .setRegistrationEngineFactory(engine)
                .build();
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onBootstrapSuccess(LwM2mServer server, BootstrapRequest request) {
                outcome.complete(true);
            }

            @Override
            public void onBootstrapFailure(LwM2mServer server, BootstrapRequest request,
                    org.eclipse.leshan.core.ResponseCode code, String message, Exception cause) {
                outcome.complete(false);
            }

            @Override
            public void onBootstrapTimeout(LwM2mServer server, BootstrapRequest request) {
                outcome.complete(false);
            }
        });
        client.start();
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } finally {
            client.destroy(false);
        }
    }

    /** A device that answers the server's requests like Leshan's client would, each after {@code delay}. */
    static Function<Request, Response> answering(Duration delay) {
        return request -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return switch (request.getCode()) {
                case GET -> {
                    Response r = new Response(ResponseCode.CONTENT);
                    r.getOptions().setContentFormat(40);
                    r.setPayload("</>;lwm2m=1.1,</0/0>;uri=\"coaps://127.0.0.1:5684\"".getBytes(StandardCharsets.UTF_8));
                    yield r;
                }
                case DELETE -> new Response(ResponseCode.DELETED);
                case PUT, POST -> new Response(ResponseCode.CHANGED);
                default -> new Response(ResponseCode.METHOD_NOT_ALLOWED);
            };
        };
    }
}

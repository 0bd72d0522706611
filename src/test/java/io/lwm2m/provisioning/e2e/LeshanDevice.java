package io.lwm2m.provisioning.e2e;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.californium.elements.config.Configuration;
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
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.BootstrapRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;

/**
 * Eclipse Leshan's LwM2M client (not our code) holding only a PSK bootstrap-server account, as a
 * device leaves the factory. Public for the RPK load driver of the side-by-side benchmark ({@code bench.RpkLoad}).
 */
public final class LeshanDevice implements AutoCloseable {

    /** How the client behaves: LwM2M 1.1 asks for a content format, a 1.0 client sends no {@code pct}. */
    public enum Flavour {
        LWM2M_1_1_SENML_CBOR(ContentFormat.SENML_CBOR),
        LWM2M_1_1_SENML_JSON(ContentFormat.SENML_JSON),
        LWM2M_1_0_NO_PCT(null);

        final ContentFormat pct;

        Flavour(ContentFormat pct) {
            this.pct = pct;
        }
    }

    /** How a bootstrap attempt ended. */
    public record Outcome(boolean success, ResponseCode code, String message) {
    }

    private final LeshanClient client;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    private LeshanDevice(LeshanClient client) {
        this.client = client;
    }

    static LeshanDevice start(String endpoint, InetSocketAddress bootstrapServer, String identity, byte[] key, Flavour flavour) {
        return start(endpoint, Security.pskBootstrap(uri(bootstrapServer), identity.getBytes(StandardCharsets.UTF_8), key), flavour,
                List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256));
    }

    /** A client with an RPK or X.509 bootstrap account, offering the ECDHE-ECDSA suites devices use. */
    static LeshanDevice start(String endpoint, Security bootstrapAccount, Flavour flavour) {
        return start(endpoint, bootstrapAccount, flavour, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    }

    static String uri(InetSocketAddress bootstrapServer) {
        return "coaps://" + bootstrapServer.getAddress().getHostAddress() + ":" + bootstrapServer.getPort();
    }

    /** A client whose only Security instance is {@code bootstrapAccount}, offering {@code cipherSuites}. */
    public static LeshanDevice start(String endpoint, Security bootstrapAccount, Flavour flavour, List<CipherSuite> cipherSuites) {
        return start(endpoint, bootstrapAccount, flavour, cipherSuites, List.of(), List.of());
    }

    /**
     * A client that already holds {@code otherSecurity} and {@code otherServers} (a device bootstrapped
     * before, or configured at the factory) beside its bootstrap account, which is Security instance 0;
     * the others take the instance ids after it, in order.
     */
    static LeshanDevice start(String endpoint, Security bootstrapAccount, Flavour flavour, List<CipherSuite> cipherSuites,
            List<Security> otherSecurity, List<Server> otherServers) {
        LeshanDevice device = prepare(endpoint, bootstrapAccount, flavour, cipherSuites, otherSecurity, otherServers);
        device.client.start();
        return device;
    }

    /** As {@link #start(String, Security, Flavour, List, List, List)}, but not started yet: see {@link #begin()}. */
    static LeshanDevice prepare(String endpoint, Security bootstrapAccount, Flavour flavour, List<CipherSuite> cipherSuites,
            List<Security> otherSecurity, List<Server> otherServers) {
        ObjectsInitializer objects = new ObjectsInitializer(new StaticModel(models(flavour)));
        List<Security> security = new ArrayList<>();
        security.add(bootstrapAccount);
        security.addAll(otherSecurity);
        for (int id = 0; id < security.size(); id++) {
            security.get(id).setId(id);
        }
        objects.setInstancesForObject(LwM2mId.SECURITY, security.toArray(new Security[0]));
        if (otherServers.isEmpty()) {
            objects.setClassForObject(LwM2mId.SERVER, Server.class);
        } else {
            for (int id = 0; id < otherServers.size(); id++) {
                otherServers.get(id).setId(id);
            }
            objects.setInstancesForObject(LwM2mId.SERVER, otherServers.toArray(new Server[0]));
        }
        objects.setClassForObject(LwM2mId.ACCESS_CONTROL, org.eclipse.leshan.client.resource.SimpleInstanceEnabler.class);
        objects.setInstancesForObject(LwM2mId.DEVICE, new Device("test", "leshan-client", "0001"));

        CaliforniumClientEndpointsProvider.Builder endpoints = new CaliforniumClientEndpointsProvider.Builder(
                new CoapClientProtocolProvider(), new CoapsClientProtocolProvider());
        Configuration config = endpoints.createDefaultConfiguration();
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, cipherSuites);
        config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 2);
        endpoints.setConfiguration(config).setClientAddress(InetAddress.getLoopbackAddress());

        DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory()
                .setRequestTimeoutInMs(5_000)
                .setBootstrapSessionTimeoutInSec(20)
                .setRetryWaitingTimeInMs(600_000);
        engine.setPreferredContentFormat(flavour.pct);

        LeshanClient client = new LeshanClientBuilder(endpoint)
                .setObjects(objects.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.ACCESS_CONTROL, LwM2mId.DEVICE))
                .setEndpointsProviders(endpoints.build())
                .setRegistrationEngineFactory(engine)
                .build();
        LeshanDevice device = new LeshanDevice(client);
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onBootstrapSuccess(LwM2mServer server, BootstrapRequest request) {
                device.outcome.complete(new Outcome(true, ResponseCode.CHANGED, null));
            }

            @Override
            public void onBootstrapFailure(LwM2mServer server, BootstrapRequest request, ResponseCode code,
                    String message, Exception cause) {
                device.outcome.complete(new Outcome(false, code, message != null ? message : String.valueOf(cause)));
            }

            @Override
            public void onBootstrapTimeout(LwM2mServer server, BootstrapRequest request) {
                device.outcome.complete(new Outcome(false, null, "timeout"));
            }
        });
        return device;
    }

    /** Starts a prepared client: it bootstraps. */
    void begin() {
        client.start();
    }

    private static List<ObjectModel> models(Flavour flavour) {
        if (flavour.pct != null) {
            return ObjectLoader.loadDefault();
        }
        // LwM2M 1.0 object models, except Security: Leshan's client needs the 1.1 Security object
        // to start at all.
        List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault(LwM2mVersion.V1_0));
        models.removeIf(m -> m.id == LwM2mId.SECURITY);
        models.add(ObjectLoader.loadAllDefault().stream()
                .filter(m -> m.id == LwM2mId.SECURITY && "1.1".equals(m.version)).findFirst().orElseThrow());
        return models;
    }

    /** Sends the client back to bootstrap (as the Bootstrap-Request Trigger would) and waits for the outcome. */
    Outcome bootstrapAgain(Duration timeout) throws Exception {
        CompletableFuture<Outcome> next = new CompletableFuture<>();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onBootstrapSuccess(LwM2mServer server, BootstrapRequest request) {
                next.complete(new Outcome(true, ResponseCode.CHANGED, null));
            }

            @Override
            public void onBootstrapFailure(LwM2mServer server, BootstrapRequest request, ResponseCode code,
                    String message, Exception cause) {
                next.complete(new Outcome(false, code, message));
            }
        });
        client.triggerClientInitiatedBootstrap(false);
        try {
            return next.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(false, null, "no bootstrap outcome within " + timeout);
        }
    }

    /** A client whose only Security instance is a NoSec bootstrap account (plain CoAP). */
    static LeshanDevice noSec(String endpoint, InetSocketAddress coap, Flavour flavour) {
        return start(endpoint, Security.noSecBootstrap("coap://" + coap.getAddress().getHostAddress() + ":" + coap.getPort()),
                flavour, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
    }

    public Outcome awaitBootstrap(Duration timeout) throws Exception {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(false, null, "no bootstrap outcome within " + timeout);
        }
    }

    /** The client's own instances of an object: instance id → resource id → value. */
    Map<Integer, Map<Integer, Object>> instances(int objectId) {
        LwM2mObject object = (LwM2mObject) client.getObjectTree().getObjectEnabler(objectId)
                .read(LwM2mServer.SYSTEM, new ReadRequest(objectId)).getContent();
        Map<Integer, Map<Integer, Object>> result = new TreeMap<>();
        for (LwM2mObjectInstance instance : object.getInstances().values()) {
            Map<Integer, Object> resources = new TreeMap<>();
            for (LwM2mResource resource : instance.getResources().values()) {
                if (!resource.isMultiInstances()) {
                    resources.put(resource.getId(), resource.getValue());
                }
            }
            result.put(instance.getId(), resources);
        }
        return result;
    }

    /** The instances of a multiple-instance resource of the client's object (first instance of the object). */
    Map<Integer, Object> multiInstances(int objectId, int resourceId) {
        LwM2mObject object = (LwM2mObject) client.getObjectTree().getObjectEnabler(objectId)
                .read(LwM2mServer.SYSTEM, new ReadRequest(objectId)).getContent();
        LwM2mResource resource = object.getInstances().values().iterator().next().getResource(resourceId);
        Map<Integer, Object> values = new TreeMap<>();
        resource.getInstances().forEach((id, instance) -> values.put(id, instance.getValue()));
        return values;
    }

    /** The instances of a multiple-instance resource of one instance of the client's object: resource instance id → value. */
    Map<Integer, Object> multiInstances(int objectId, int instanceId, int resourceId) {
        LwM2mObjectInstance instance = (LwM2mObjectInstance) client.getObjectTree().getObjectEnabler(objectId)
                .read(LwM2mServer.SYSTEM, new ReadRequest(objectId, instanceId)).getContent();
        Map<Integer, Object> values = new TreeMap<>();
        LwM2mResource resource = instance.getResource(resourceId);
        if (resource != null) {
            resource.getInstances().forEach((id, value) -> values.put(id, value.getValue()));
        }
        return values;
    }

    @Override
    public void close() {
        client.destroy(false);
    }
}

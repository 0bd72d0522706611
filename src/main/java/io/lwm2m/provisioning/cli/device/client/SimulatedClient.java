package io.lwm2m.provisioning.cli.device.client;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.ObjectInstance;
import io.lwm2m.provisioning.bootstrap.lwm2m.Resource;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;

/**
 * The objects of a simulated LwM2M client and how it takes a bootstrap: it answers Bootstrap-Discover
 * from what it holds (in its version's form), applies Bootstrap-Delete (sparing its bootstrap-server
 * account and the Device object), decodes and applies Bootstrap-Write in every format, applies a
 * Bootstrap-Pack as Anjay does, and at Bootstrap-Finish checks, as Anjay does, that every DM account
 * has its Server instance (4.06 otherwise). Every request and answer is kept, for the report.
 */
public final class SimulatedClient implements Responder {

    /** The LwM2M enabler version the client implements; it decides the Discover answer's form. */
    public enum Version {
        V1_0("1.0"), V1_1("1.1"), V1_2("1.2");

        private final String text;

        Version(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One request of the server and the client's answer. */
    public record Step(String request, String answer, String problem) {
    }

    private final Version version;
    /** object id → instance id → resource id → value (String, Long, Boolean, byte[], or a sorted map for multiple instances) */
    private final Map<Integer, SortedMap<Integer, SortedMap<Integer, Object>>> objects = new TreeMap<>();
    private final List<Step> steps = new ArrayList<>();
    private String fixedDiscoverAnswer;

    /** A factory-fresh client: its bootstrap-server account at /0/{accountInstance}, and a Device object. */
    public SimulatedClient(Version version, int accountInstance, String bootstrapUri, DeviceCredentials credentials,
            ServerTrust trust) {
        this.version = version;
        SortedMap<Integer, Object> account = new TreeMap<>();
        account.put(0, bootstrapUri);
        account.put(1, true);
        account.put(2, (long) credentials.securityMode());
        account.put(3, credentials.publicKeyOrIdentity());
        account.put(4, serverKey(trust, credentials.securityMode()));
        account.put(5, credentials.secretKey());
        objects(0).put(accountInstance, account);
        for (int object = 1; object <= 2; object++) {
            objects(object);
        }
        objects(3).put(0, new TreeMap<>(Map.of(0, "lwm2m-provisioning", 1, "device simulator")));
    }

    @Override
    public synchronized Answer answer(Request request) {
        String path = "/" + request.getOptions().getUriPathString();
        return switch (request.getCode()) {
            case GET -> step(request.getCode() + " " + path + " (Bootstrap-Discover)", discover(path), null);
            case DELETE -> {
                delete(path);
                yield step("DELETE " + path + " (Bootstrap-Delete)", new Response(ResponseCode.DELETED), null);
            }
            case PUT -> write(path, request.getPayload(), request.getOptions().getContentFormat());
            default -> step(request.getCode() + " " + path, new Response(ResponseCode.METHOD_NOT_ALLOWED),
                    "unexpected request from the server: " + request.getCode() + " " + path);
        };
    }

    @Override
    public synchronized Answer finish() {
        String problem = inconsistency();
        return step("POST /bs (Bootstrap-Finish)", new Response(problem == null ? ResponseCode.CHANGED : ResponseCode.NOT_ACCEPTABLE),
                problem == null ? null : "the configuration is inconsistent at Bootstrap-Finish (answered 4.06): " + problem);
    }

    @Override
    public synchronized String applyPack(byte[] payload, int contentFormat) {
        List<ObjectInstance> instances;
        try {
            instances = Lwm2mDecoder.decodePack(payload, contentFormat);
        } catch (IllegalArgumentException e) {
            steps.add(new Step("Bootstrap-Pack (" + formatName(contentFormat) + ")", "not applied", e.getMessage()));
            return "could not decode the Bootstrap-Pack: " + e.getMessage();
        }
        Set<Integer> purged = new HashSet<>();
        for (ObjectInstance instance : instances) {
            if (purged.add(instance.objectId())) {
                delete("/" + instance.objectId());
            }
        }
        instances.forEach(this::replace);
        steps.add(new Step("Bootstrap-Pack (" + formatName(contentFormat) + ", " + instances.size() + " instances)", "applied", null));
        String problem = inconsistency();
        return problem == null ? null : "the Bootstrap-Pack is inconsistent: " + problem;
    }

    /** Answers every Bootstrap-Discover with {@code linkFormat}, as a client in the field answered (to replay what it sent). */
    public synchronized void answerDiscoverWith(String linkFormat) {
        this.fixedDiscoverAnswer = linkFormat;
    }

    /** The instances of an object the client holds now: instance id → resource id → value. */
    public synchronized SortedMap<Integer, SortedMap<Integer, Object>> instances(int objectId) {
        SortedMap<Integer, SortedMap<Integer, Object>> copy = new TreeMap<>();
        objects.getOrDefault(objectId, new TreeMap<>()).forEach((id, resources) -> copy.put(id, new TreeMap<>(resources)));
        return copy;
    }

    /** The server's requests and the client's answers, in order. */
    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    public Version version() {
        return version;
    }

    private Answer write(String path, byte[] payload, int contentFormat) {
        String request = "PUT " + path + " (Bootstrap-Write, " + formatName(contentFormat) + ")";
        List<ObjectInstance> instances;
        try {
            instances = Lwm2mDecoder.decode(payload, contentFormat, path);
        } catch (IllegalArgumentException e) {
            return step(request, new Response(ResponseCode.BAD_REQUEST),
                    "could not decode the Bootstrap-Write of " + path + " (" + formatName(contentFormat) + "): " + e.getMessage());
        }
        int depth = Lwm2mDecoder.parsePath(path).length;
        for (ObjectInstance instance : instances) {
            if (depth >= 3) {
                SortedMap<Integer, Object> resources = objects(instance.objectId()).computeIfAbsent(instance.instanceId(), i -> new TreeMap<>());
                instance.resources().forEach(r -> resources.put(r.id(), value(r)));
            } else {
                replace(instance);
            }
        }
        return step(request, new Response(ResponseCode.CHANGED), null);
    }

    /** A Bootstrap-Write of an instance replaces what it held. */
    private void replace(ObjectInstance instance) {
        SortedMap<Integer, Object> resources = new TreeMap<>();
        instance.resources().forEach(r -> resources.put(r.id(), value(r)));
        objects(instance.objectId()).put(instance.instanceId(), resources);
    }

    private static Object value(Resource resource) {
        return resource.instances() != null ? new TreeMap<>(resource.instances()) : resource.value();
    }

    private void delete(String path) {
        int[] ids = Lwm2mDecoder.parsePath(path);
        List<Integer> objectIds = ids.length == 0 ? new ArrayList<>(objects.keySet()) : List.of(ids[0]);
        for (int objectId : objectIds) {
            if (objectId == 3) {
                continue;
            }
            objects.getOrDefault(objectId, new TreeMap<>()).entrySet().removeIf(e -> (ids.length < 2 || e.getKey() == ids[1])
                    && !(objectId == 0 && isBootstrapAccount(e.getValue())));
        }
    }

    private Response discover(String path) {
        Response response = new Response(ResponseCode.CONTENT);
        response.getOptions().setContentFormat(ContentFormat.LINK_FORMAT);
        response.setPayload(fixedDiscoverAnswer != null ? fixedDiscoverAnswer : links(path));
        return response;
    }

    private String links(String path) {
        int[] ids = Lwm2mDecoder.parsePath(path);
        List<String> links = new ArrayList<>();
        if (ids.length == 0) {
            links.add(version == Version.V1_0 ? "lwm2m=\"1.0\"" : "</>;lwm2m=" + version.text());
        }
        objects.forEach((objectId, instances) -> {
            if (ids.length == 0 || ids[0] == objectId) {
                links.add("</" + objectId + ">" + (version == Version.V1_0 ? "" : ";ver=" + objectVersion(objectId)));
                instances.forEach((id, resources) -> links.add(link(objectId, id, resources)));
            }
        });
        return String.join(",", links);
    }

    private String link(int objectId, int instanceId, Map<Integer, Object> resources) {
        StringBuilder link = new StringBuilder("</").append(objectId).append('/').append(instanceId).append('>');
        Object ssid = objectId == 0 ? resources.get(10) : objectId == 1 ? resources.get(0) : null;
        if (ssid != null && !(objectId == 0 && isBootstrapAccount(resources))) {
            link.append(";ssid=").append(ssid);
        }
        if (objectId == 0 && version != Version.V1_0 && resources.get(0) instanceof String uri) {
            link.append(";uri=\"").append(uri).append('"');
        }
        return link.toString();
    }

    private String objectVersion(int objectId) {
        if (objectId == 2) {
            return version == Version.V1_2 ? "1.1" : "1.0";
        }
        return version.text();
    }

    /** Why the objects do not make a usable configuration, or null. */
    private String inconsistency() {
        Set<Object> securitySsids = new HashSet<>();
        for (Map.Entry<Integer, SortedMap<Integer, Object>> e : objects.getOrDefault(0, new TreeMap<>()).entrySet()) {
            if (isBootstrapAccount(e.getValue())) {
                continue;
            }
            Object ssid = e.getValue().get(10);
            if (ssid == null || e.getValue().get(0) == null || e.getValue().get(2) == null) {
                return "Security /0/" + e.getKey() + " lacks its Server URI, Security Mode or Short Server ID";
            }
            securitySsids.add(ssid);
        }
        for (Map.Entry<Integer, SortedMap<Integer, Object>> e : objects.getOrDefault(1, new TreeMap<>()).entrySet()) {
            if (!securitySsids.remove(e.getValue().get(0))) {
                return "Server /1/" + e.getKey() + " (ssid " + e.getValue().get(0) + ") has no Security instance";
            }
        }
        return securitySsids.isEmpty() ? null : "no Server instance for the Security instance(s) of ssid " + securitySsids;
    }

    private static boolean isBootstrapAccount(Map<Integer, Object> resources) {
        return Boolean.TRUE.equals(resources.get(1));
    }

    private Answer step(String request, Response response, String problem) {
        steps.add(new Step(request, response.getCode().text + " " + response.getCode().name(), problem));
        return new Answer(response, problem);
    }

    private SortedMap<Integer, SortedMap<Integer, Object>> objects(int objectId) {
        return objects.computeIfAbsent(objectId, k -> new TreeMap<>());
    }

    /** /0/x/4 of the bootstrap account: the server's public key (RPK) or certificate (X.509) when the device checks it. */
    private static byte[] serverKey(ServerTrust trust, int securityMode) {
        try {
            if (securityMode == 2 && !trust.certificates().isEmpty()) {
                return trust.certificates().get(0).getEncoded();
            }
            return securityMode == 1 && trust.publicKey() != null ? trust.publicKey().getEncoded() : new byte[0];
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String formatName(int contentFormat) {
        return switch (contentFormat) {
            case ContentFormat.TLV -> "TLV";
            case ContentFormat.SENML_JSON -> "SenML-JSON";
            case ContentFormat.SENML_CBOR -> "SenML-CBOR";
            case ContentFormat.LWM2M_CBOR -> "LwM2M-CBOR";
            case ContentFormat.LINK_FORMAT -> "link-format";
            default -> "Content-Format " + contentFormat;
        };
    }
}

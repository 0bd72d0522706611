package io.lwm2m.provisioning.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.request.ContentFormat;

/**
 * The object store of an LwM2M 1.2 client, for the flows no C client in shared/ speaks (Bootstrap-Pack):
 * it answers Bootstrap-Discover from what it holds, applies Delete (sparing its bootstrap account),
 * Write (SenML-CBOR, decoded by Leshan against the OMA models) and a Bootstrap-Pack the way Anjay
 * does (each object's instances but the bootstrap account deleted once, then every instance
 * written over what it holds). Tests assert what it ends up holding.
 */
final class ModelledClient {

    private static final StaticModel MODEL = new StaticModel(ObjectLoader.loadAllDefault());

    /** object id → instance id → resource id → value */
    private final Map<Integer, Map<Integer, Map<Integer, Object>>> objects = new TreeMap<>();
    final List<String> received = Collections.synchronizedList(new ArrayList<>());

    /** A factory-fresh client with its bootstrap account (PSK {@code identity}) at Security instance {@code instance}. */
    ModelledClient(int instance, String bootstrapUri, String identity) {
        Map<Integer, Object> account = new TreeMap<>();
        account.put(0, bootstrapUri);
        account.put(1, true);
        account.put(2, 0L);
        account.put(3, identity.getBytes(StandardCharsets.UTF_8));
        objects.computeIfAbsent(0, k -> new TreeMap<>()).put(instance, account);
        objects.computeIfAbsent(3, k -> new TreeMap<>()).put(0, new TreeMap<>(Map.of(0, "modelled")));
    }

    /** Answers one request of the server; for {@link RawCoapsDevice}. */
    synchronized Response answer(Request request) {
        String path = "/" + request.getOptions().getUriPathString();
        received.add(request.getCode() + " " + path);
        switch (request.getCode()) {
            case GET -> {
                Response response = new Response(ResponseCode.CONTENT);
                response.getOptions().setContentFormat(40);
                response.setPayload(discoverAnswer());
                return response;
            }
            case DELETE -> {
                delete(path);
                return new Response(ResponseCode.DELETED);
            }
            case PUT -> {
                write(decode(request.getPayload(), request.getOptions().getContentFormat()));
                return new Response(ResponseCode.CHANGED);
            }
            default -> {
                return new Response(ResponseCode.CHANGED); // Bootstrap-Finish
            }
        }
    }

    /** Applies a Bootstrap-Pack as Anjay's write_bootstrap_pack does. */
    synchronized void applyPack(byte[] payload, int contentFormat) {
        Map<LwM2mPath, LwM2mNode> nodes = decode(payload, contentFormat);
        Set<Integer> purged = new HashSet<>();
        for (LwM2mPath path : nodes.keySet()) {
            if (purged.add(path.getObjectId())) {
                delete("/" + path.getObjectId());
            }
        }
        write(nodes);
    }

    /** The Security instance ids whose resource 1 (Bootstrap-Server) is true. */
    synchronized List<Integer> bootstrapAccounts() {
        return objects.getOrDefault(0, Map.of()).entrySet().stream()
                .filter(e -> Boolean.TRUE.equals(e.getValue().get(1))).map(Map.Entry::getKey).toList();
    }

    synchronized Map<Integer, Object> instance(int object, int instance) {
        return objects.getOrDefault(object, Map.of()).get(instance);
    }

    synchronized Set<Integer> instances(int object) {
        return Set.copyOf(objects.getOrDefault(object, Map.of()).keySet());
    }

    private String discoverAnswer() {
        StringBuilder answer = new StringBuilder("</>;lwm2m=1.2,</0>;ver=1.2");
        objects.getOrDefault(0, Map.of()).forEach((id, resources) -> {
            answer.append(",</0/").append(id).append('>');
            if (!Boolean.TRUE.equals(resources.get(1))) {
                answer.append(";ssid=").append(resources.get(10));
            }
            answer.append(";uri=\"").append(resources.get(0)).append('"');
        });
        answer.append(",</1>;ver=1.2");
        objects.getOrDefault(1, Map.of()).forEach((id, resources) -> answer.append(",</1/").append(id).append(">;ssid=")
                .append(resources.get(0)));
        answer.append(",</2>;ver=1.1,</3>;ver=1.2,</3/0>");
        return answer.toString();
    }

    private void delete(String path) {
        String[] segments = path.split("/");
        List<Integer> objectIds = segments.length < 2 ? new ArrayList<>(objects.keySet()) : List.of(Integer.parseInt(segments[1]));
        for (int objectId : objectIds) {
            Map<Integer, Map<Integer, Object>> instances = objects.getOrDefault(objectId, new TreeMap<>());
            instances.entrySet().removeIf(e -> (segments.length < 3 || e.getKey() == Integer.parseInt(segments[2]))
                    && !(objectId == 0 && Boolean.TRUE.equals(e.getValue().get(1))) && objectId != 3);
        }
    }

    private void write(Map<LwM2mPath, LwM2mNode> nodes) {
        Map<LwM2mPath, Map<Integer, Object>> written = new LinkedHashMap<>();
        nodes.forEach((path, node) -> {
            LwM2mPath instancePath = new LwM2mPath(path.getObjectId(), path.getObjectInstanceId());
            Object value = node instanceof LwM2mResource resource
                    ? (resource.isMultiInstances() ? resource.getInstances() : resource.getValue()) : null;
            written.computeIfAbsent(instancePath, p -> new TreeMap<>()).put(path.getResourceId(), value);
        });
        // A Bootstrap-Write of an instance replaces it.
        written.forEach((path, resources) -> objects.computeIfAbsent(path.getObjectId(), k -> new TreeMap<>())
                .put(path.getObjectInstanceId(), resources));
    }

    private static Map<LwM2mPath, LwM2mNode> decode(byte[] payload, int contentFormat) {
        try {
            return new DefaultLwM2mDecoder().decodeNodes(payload, ContentFormat.fromCode(contentFormat), null, MODEL);
        } catch (org.eclipse.leshan.core.node.codec.CodecException e) {
            throw new IllegalStateException("the server sent what this client cannot decode", e);
        }
    }
}

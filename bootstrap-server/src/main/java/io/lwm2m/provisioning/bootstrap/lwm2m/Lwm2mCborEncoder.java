package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * LwM2M-CBOR (11544, LwM2M 1.2 Core §7.4.7): nested CBOR maps keyed by path segments from the
 * root, {@code {0: {1: {0: "coaps://…", 1: false, …}}}}; a multiple-instance resource is one more
 * map level keyed by resource instance id. Values are CBOR text, integers, booleans and byte
 * strings (Opaque). Keys are unsigned integers; the format also allows arrays of segments as keys,
 * which only shorten payloads, so this encoder always nests.
 */
public final class Lwm2mCborEncoder implements InstanceEncoder, PackEncoder {

    @Override
    public int contentFormat() {
        return ContentFormat.LWM2M_CBOR;
    }

    @Override
    public byte[] encode(ObjectInstance instance) {
        return encodePack(List.of(instance));
    }

    @Override
    public byte[] encodePack(List<ObjectInstance> instances) {
        SortedMap<Integer, SortedMap<Integer, ObjectInstance>> byObject = new TreeMap<>();
        for (ObjectInstance instance : instances) {
            byObject.computeIfAbsent(instance.objectId(), id -> new TreeMap<>()).put(instance.instanceId(), instance);
        }
        return Cbor.write(cbor -> {
            cbor.writeStartObject(null, byObject.size());
            for (Map.Entry<Integer, SortedMap<Integer, ObjectInstance>> object : byObject.entrySet()) {
                cbor.writePropertyId(object.getKey());
                cbor.writeStartObject(null, object.getValue().size());
                for (ObjectInstance instance : object.getValue().values()) {
                    cbor.writePropertyId(instance.instanceId());
                    cbor.writeStartObject(null, instance.resources().size());
                    for (Resource resource : instance.resources()) {
                        cbor.writePropertyId(resource.id());
                        if (resource.instances() != null) {
                            cbor.writeStartObject(null, resource.instances().size());
                            resource.instances().forEach((id, value) -> {
                                cbor.writePropertyId(id);
                                cbor.writeNumber(value.longValue());
                            });
                            cbor.writeEndObject();
                        } else {
                            Cbor.value(cbor, resource.value());
                        }
                    }
                    cbor.writeEndObject();
                }
                cbor.writeEndObject();
            }
            cbor.writeEndObject();
        });
    }
}

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.io.ByteArrayOutputStream;
import java.util.List;
import tools.jackson.core.Base64Variants;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;

/**
 * SenML-JSON (110, RFC 8428 as profiled by LwM2M 1.1): one record per resource, the first carrying
 * the instance path as base name. Opaque values travel base64url-encoded without padding in
 * {@code vd}. Written by Jackson's generator as compact UTF-8 JSON.
 */
public final class SenmlJsonEncoder implements InstanceEncoder, PackEncoder {

    /** Thread-safe. Lower-case {@code \}{@code u001f} escapes, as this encoder always wrote them. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE).build();
    private static final int INITIAL_CAPACITY = 256;

    @Override
    public int contentFormat() {
        return ContentFormat.SENML_JSON;
    }

    @Override
    public byte[] encode(ObjectInstance instance) {
        return records(instance.path() + "/", List.of(instance), false);
    }

    /** All instances in one pack with base name {@code /} and names such as {@code 0/1/0}. */
    @Override
    public byte[] encodePack(List<ObjectInstance> instances) {
        return records("/", instances, true);
    }

    private static byte[] records(String baseName, List<ObjectInstance> instances, boolean namesFromRoot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_CAPACITY);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            String base = baseName;
            for (ObjectInstance instance : instances) {
                String prefix = namesFromRoot ? instance.objectId() + "/" + instance.instanceId() + "/" : "";
                for (Resource resource : instance.resources()) {
                    if (resource.instances() != null) {
                        for (var entry : resource.instances().entrySet()) {
                            startRecord(json, base, prefix + resource.id() + "/" + entry.getKey());
                            base = null;
                            json.writeNumberProperty("v", entry.getValue().longValue());
                            json.writeEndObject();
                        }
                        continue;
                    }
                    startRecord(json, base, prefix + resource.id());
                    base = null;
                    value(json, resource.value());
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
        }
        return out.toByteArray();
    }

    private static void startRecord(JsonGenerator json, String baseName, String name) {
        json.writeStartObject();
        if (baseName != null) {
            json.writeStringProperty("bn", baseName);
        }
        json.writeStringProperty("n", name);
    }

    private static void value(JsonGenerator json, Object value) {
        if (value instanceof String s) {
            json.writeStringProperty("vs", s);
        } else if (value instanceof Boolean b) {
            json.writeBooleanProperty("vb", b);
        } else if (value instanceof Long l) {
            json.writeNumberProperty("v", l.longValue());
        } else {
            byte[] opaque = (byte[]) value;
            json.writeName("vd");
            json.writeBinary(Base64Variants.MODIFIED_FOR_URL, opaque, 0, opaque.length);
        }
    }
}

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * SenML-CBOR (112, RFC 8428 §6): the same records as SenML-JSON with the integer labels
 * bn = -2, n = 0, v = 2, vs = 3, vb = 4, vd = 8, and opaque values as CBOR byte strings.
 */
public final class SenmlCborEncoder implements InstanceEncoder, PackEncoder {

    private static final int BASE_NAME = -2;
    private static final int NAME = 0;
    private static final int VALUE = 2;
    private static final int STRING_VALUE = 3;
    private static final int BOOLEAN_VALUE = 4;
    private static final int DATA_VALUE = 8;

    @Override
    public int contentFormat() {
        return ContentFormat.SENML_CBOR;
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
        int records = instances.stream().flatMap(i -> i.resources().stream())
                .mapToInt(r -> r.instances() == null ? 1 : r.instances().size()).sum();
        return Cbor.write(cbor -> {
            cbor.writeStartArray(null, records);
            String base = baseName;
            for (ObjectInstance instance : instances) {
                String prefix = namesFromRoot ? instance.objectId() + "/" + instance.instanceId() + "/" : "";
                for (Resource resource : instance.resources()) {
                    if (resource.instances() != null) {
                        for (var entry : resource.instances().entrySet()) {
                            startRecord(cbor, base, prefix + resource.id() + "/" + entry.getKey());
                            base = null;
                            cbor.writePropertyId(VALUE);
                            cbor.writeNumber(entry.getValue().longValue());
                            cbor.writeEndObject();
                        }
                        continue;
                    }
                    startRecord(cbor, base, prefix + resource.id());
                    base = null;
                    cbor.writePropertyId(label(resource.value()));
                    Cbor.value(cbor, resource.value());
                    cbor.writeEndObject();
                }
            }
            cbor.writeEndArray();
        });
    }

    /** Opens a record of three labels (base name, name, value) when {@code baseName} is set, else two. */
    private static void startRecord(JsonGenerator cbor, String baseName, String name) {
        cbor.writeStartObject(null, baseName == null ? 2 : 3);
        if (baseName != null) {
            cbor.writePropertyId(BASE_NAME);
            Cbor.text(cbor, baseName);
        }
        cbor.writePropertyId(NAME);
        Cbor.text(cbor, name);
    }

    private static int label(Object value) {
        if (value instanceof String) {
            return STRING_VALUE;
        }
        if (value instanceof Boolean) {
            return BOOLEAN_VALUE;
        }
        return value instanceof Long ? VALUE : DATA_VALUE;
    }
}

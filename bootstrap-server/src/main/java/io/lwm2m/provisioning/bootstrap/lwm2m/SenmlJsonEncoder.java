package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * SenML-JSON (110, RFC 8428 as profiled by LwM2M 1.1): one record per resource, the first carrying
 * the instance path as base name. Opaque values travel base64url-encoded in {@code vd}.
 */
public final class SenmlJsonEncoder implements InstanceEncoder, PackEncoder {

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
        StringBuilder json = new StringBuilder("[");
        boolean first = true;
        for (ObjectInstance instance : instances) {
            String prefix = namesFromRoot ? instance.objectId() + "/" + instance.instanceId() + "/" : "";
            for (Resource resource : instance.resources()) {
                if (resource.instances() != null) {
                    for (var entry : resource.instances().entrySet()) {
                        json.append(first ? "{\"bn\":" + quote(baseName) + "," : ",{");
                        first = false;
                        json.append("\"n\":").append(quote(prefix + resource.id() + "/" + entry.getKey())).append(",\"v\":")
                                .append(entry.getValue()).append('}');
                    }
                    continue;
                }
                json.append(first ? "{\"bn\":" + quote(baseName) + "," : ",{");
                first = false;
                json.append("\"n\":").append(quote(prefix + resource.id())).append(',');
                Object value = resource.value();
                if (value instanceof String s) {
                    json.append("\"vs\":").append(quote(s));
                } else if (value instanceof Boolean b) {
                    json.append("\"vb\":").append(b);
                } else if (value instanceof Long l) {
                    json.append("\"v\":").append(l);
                } else {
                    json.append("\"vd\":").append(quote(Base64.getUrlEncoder().withoutPadding().encodeToString((byte[]) value)));
                }
                json.append('}');
            }
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}

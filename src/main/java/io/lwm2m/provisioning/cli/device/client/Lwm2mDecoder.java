package io.lwm2m.provisioning.cli.device.client;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.ObjectInstance;
import io.lwm2m.provisioning.bootstrap.lwm2m.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what a bootstrap server writes, in each format a client may ask for: OMA-TLV (11542, typed by
 * {@link ObjectModel}), SenML-JSON (110), SenML-CBOR (112) and LwM2M-CBOR (11544), into object
 * instances. A malformed payload is an {@link IllegalArgumentException} saying what is wrong.
 */
public final class Lwm2mDecoder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Lwm2mDecoder() {
    }

    /** One resource value (or resource instance value) at its full path. */
    private record Value(int object, int instance, int resource, Integer resourceInstance, Object value) {
    }

    /** The instances in {@code payload}, written to {@code path} ("/0", "/0/1" or "/0/1/5"). */
    public static List<ObjectInstance> decode(byte[] payload, int contentFormat, String path) {
        int[] target = parsePath(path);
        List<Value> values = switch (contentFormat) {
            case ContentFormat.TLV -> Tlv.decode(payload, target);
            case ContentFormat.SENML_JSON -> senmlJson(payload);
            case ContentFormat.SENML_CBOR -> senmlCbor(payload);
            case ContentFormat.LWM2M_CBOR -> lwm2mCbor(payload);
            default -> throw new IllegalArgumentException("Content-Format " + contentFormat + " is not one this client reads");
        };
        for (Value v : values) {
            if (target.length > 0 && v.object() != target[0] || target.length > 1 && v.instance() != target[1]) {
                throw new IllegalArgumentException("the payload holds /" + v.object() + "/" + v.instance() + ", outside " + path);
            }
        }
        return instances(values);
    }

    /** A Bootstrap-Pack (SenML-CBOR, SenML-JSON or LwM2M-CBOR, paths from the root). */
    public static List<ObjectInstance> decodePack(byte[] payload, int contentFormat) {
        if (contentFormat == ContentFormat.TLV) {
            throw new IllegalArgumentException("a Bootstrap-Pack cannot be TLV");
        }
        return decode(payload, contentFormat, "/");
    }

    static int[] parsePath(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return new int[0];
        }
        String[] segments = trimmed.split("/");
        if (segments.length > 4) {
            throw new IllegalArgumentException("path " + path + " has more than four segments");
        }
        int[] ids = new int[segments.length];
        for (int i = 0; i < segments.length; i++) {
            try {
                ids[i] = Integer.parseInt(segments[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("path " + path + ": '" + segments[i] + "' is no id");
            }
            if (ids[i] < 0 || ids[i] > 65535) {
                throw new IllegalArgumentException("path " + path + ": " + ids[i] + " is outside 0..65535");
            }
        }
        return ids;
    }

    private static Value value(int[] path, Object value, String where) {
        if (path.length < 3) {
            throw new IllegalArgumentException(where + ": a value at " + pathText(path) + ", which names no resource");
        }
        return new Value(path[0], path[1], path[2], path.length > 3 ? path[3] : null, value);
    }

    private static String pathText(int[] path) {
        StringBuilder text = new StringBuilder();
        for (int id : path) {
            text.append('/').append(id);
        }
        return text.isEmpty() ? "/" : text.toString();
    }

    private static List<Value> senmlJson(byte[] payload) {
        JsonNode records;
        try {
            records = JSON.readTree(payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("SenML-JSON: not JSON (" + e.getOriginalMessage() + ")");
        }
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("SenML-JSON: not an array of records");
        }
        List<Value> values = new ArrayList<>();
        String baseName = "";
        for (JsonNode record : records) {
            if (record.has("bn")) {
                baseName = record.get("bn").asString();
            }
            int[] path = parsePath(baseName + (record.has("n") ? record.get("n").asString() : ""));
            Object value;
            if (record.has("vs")) {
                value = record.get("vs").asString();
            } else if (record.has("vb")) {
                value = record.get("vb").asBoolean();
            } else if (record.has("vd")) {
                value = base64(record.get("vd").asString());
            } else if (record.has("vlo")) {
                value = record.get("vlo").asString();
            } else if (record.has("v") && record.get("v").isIntegralNumber()) {
                value = record.get("v").asLong();
            } else {
                throw new IllegalArgumentException("SenML-JSON: the record of " + pathText(path) + " has no value this client reads");
            }
            values.add(value(path, value, "SenML-JSON"));
        }
        return values;
    }

    private static List<Value> senmlCbor(byte[] payload) {
        if (!(CborReader.read(payload) instanceof List<?> records)) {
            throw new IllegalArgumentException("SenML-CBOR: not an array of records");
        }
        List<Value> values = new ArrayList<>();
        String baseName = "";
        for (Object item : records) {
            if (!(item instanceof Map<?, ?> record)) {
                throw new IllegalArgumentException("SenML-CBOR: a record that is not a map");
            }
            if (record.get(-2L) instanceof String bn) {
                baseName = bn;
            }
            int[] path = parsePath(baseName + (record.get(0L) instanceof String n ? n : ""));
            Object value = record.containsKey(3L) ? record.get(3L) : record.containsKey(4L) ? record.get(4L)
                    : record.containsKey(8L) ? record.get(8L) : record.containsKey("vlo") ? record.get("vlo") : record.get(2L);
            values.add(value(path, scalar(value, "SenML-CBOR " + pathText(path)), "SenML-CBOR"));
        }
        return values;
    }

    private static List<Value> lwm2mCbor(byte[] payload) {
        List<Value> values = new ArrayList<>();
        walk(CborReader.read(payload), new int[0], values);
        return values;
    }

    private static void walk(Object node, int[] path, List<Value> into) {
        if (!(node instanceof Map<?, ?> map)) {
            into.add(value(path, scalar(node, "LwM2M-CBOR " + pathText(path)), "LwM2M-CBOR"));
            return;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            List<?> segments = entry.getKey() instanceof List<?> l ? l : List.of(entry.getKey());
            int[] child = Arrays.copyOf(path, path.length + segments.size());
            for (int i = 0; i < segments.size(); i++) {
                if (!(segments.get(i) instanceof Long id) || id < 0 || id > 65535) {
                    throw new IllegalArgumentException("LwM2M-CBOR: key " + segments.get(i) + " under " + pathText(path) + " is no id");
                }
                child[path.length + i] = id.intValue();
            }
            if (child.length > 4) {
                throw new IllegalArgumentException("LwM2M-CBOR: nested deeper than a resource instance at " + pathText(child));
            }
            walk(entry.getValue(), child, into);
        }
    }

    private static Object scalar(Object value, String where) {
        if (value instanceof Double d) {
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(where + ": the float " + d + " is no value of a bootstrap object");
            }
            return d.longValue();
        }
        if (value instanceof Long || value instanceof String || value instanceof Boolean || value instanceof byte[]) {
            return value;
        }
        throw new IllegalArgumentException(where + ": no value, or one of an unknown type");
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SenML-JSON: vd is not base64");
        }
    }

    private static List<ObjectInstance> instances(List<Value> values) {
        Map<List<Integer>, Map<Integer, Object>> byInstance = new LinkedHashMap<>();
        for (Value v : values) {
            Map<Integer, Object> resources = byInstance.computeIfAbsent(List.of(v.object(), v.instance()), k -> new TreeMap<>());
            if (v.resourceInstance() == null) {
                resources.put(v.resource(), v.value());
                continue;
            }
            if (!(v.value() instanceof Long number)) {
                throw new IllegalArgumentException("/" + v.object() + "/" + v.instance() + "/" + v.resource()
                        + ": multiple-instance resources of other types than Integer are not read by this client");
            }
            Object existing = resources.computeIfAbsent(v.resource(), r -> new TreeMap<Integer, Long>());
            @SuppressWarnings("unchecked")
            SortedMap<Integer, Long> instances = (SortedMap<Integer, Long>) existing;
            instances.put(v.resourceInstance(), number);
        }
        List<ObjectInstance> out = new ArrayList<>();
        byInstance.forEach((key, resources) -> {
            List<Resource> list = new ArrayList<>();
            resources.forEach((id, value) -> list.add(value instanceof Map<?, ?> m ? Resource.integers(id, castLongs(m))
                    : new Resource(id, value)));
            out.add(new ObjectInstance(key.get(0), key.get(1), list));
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, Long> castLongs(Map<?, ?> map) {
        return (Map<Integer, Long>) map;
    }

    /** OMA-TLV (LwM2M Core §7.4.3), typed by the object model. */
    private static final class Tlv {
        private static final int OBJECT_INSTANCE = 0;
        private static final int RESOURCE_INSTANCE = 1;
        private static final int MULTIPLE_RESOURCE = 2;
        private static final int RESOURCE_VALUE = 3;

        private record Entry(int type, int id, byte[] value) {
        }

        static List<Value> decode(byte[] payload, int[] target) {
            if (target.length == 0) {
                throw new IllegalArgumentException("TLV: a write of / is not possible");
            }
            List<Value> values = new ArrayList<>();
            for (Entry entry : entries(payload)) {
                if (entry.type() == OBJECT_INSTANCE) {
                    if (target.length > 2) {
                        throw new IllegalArgumentException("TLV: an object instance in a write of a resource");
                    }
                    for (Entry resource : entries(entry.value())) {
                        resource(target[0], entry.id(), resource, values);
                    }
                } else if (target.length >= 2) {
                    resource(target[0], target[1], entry, values);
                } else {
                    throw new IllegalArgumentException("TLV: a resource directly in a write of object /" + target[0]);
                }
            }
            return values;
        }

        private static void resource(int object, int instance, Entry entry, List<Value> into) {
            ObjectModel.ResourceModel model = ObjectModel.resource(object, entry.id());
            if (entry.type() == RESOURCE_VALUE) {
                into.add(new Value(object, instance, entry.id(), null, typed(entry.value(), model.type(), entry.id())));
            } else if (entry.type() == MULTIPLE_RESOURCE) {
                for (Entry item : entries(entry.value())) {
                    if (item.type() != RESOURCE_INSTANCE) {
                        throw new IllegalArgumentException("TLV: resource " + entry.id() + " holds something else than resource instances");
                    }
                    into.add(new Value(object, instance, entry.id(), item.id(), typed(item.value(), model.type(), entry.id())));
                }
            } else {
                throw new IllegalArgumentException("TLV: type " + entry.type() + " where a resource of /" + object + "/" + instance
                        + " was expected");
            }
        }

        private static Object typed(byte[] value, ObjectModel.Type type, int resource) {
            return switch (type) {
                case STRING -> new String(value, StandardCharsets.UTF_8);
                case BOOLEAN -> {
                    if (value.length != 1 || (value[0] != 0 && value[0] != 1)) {
                        throw new IllegalArgumentException("TLV: resource " + resource + " is no Boolean");
                    }
                    yield value[0] == 1;
                }
                case INTEGER -> {
                    if (value.length != 1 && value.length != 2 && value.length != 4 && value.length != 8) {
                        throw new IllegalArgumentException("TLV: resource " + resource + " is no Integer (" + value.length + " bytes)");
                    }
                    long v = value[0];
                    for (int i = 1; i < value.length; i++) {
                        v = v << 8 | (value[i] & 0xFF);
                    }
                    yield v;
                }
                case OBJLNK -> {
                    if (value.length != 4) {
                        throw new IllegalArgumentException("TLV: resource " + resource + " is no Objlnk");
                    }
                    yield ((value[0] & 0xFF) << 8 | (value[1] & 0xFF)) + ":" + ((value[2] & 0xFF) << 8 | (value[3] & 0xFF));
                }
                case OPAQUE -> value;
            };
        }

        private static List<Entry> entries(byte[] in) {
            List<Entry> entries = new ArrayList<>();
            int p = 0;
            while (p < in.length) {
                int typeByte = in[p++] & 0xFF;
                int idLength = (typeByte & 0x20) != 0 ? 2 : 1;
                int lengthType = (typeByte >> 3) & 0x3;
                int headerRest = idLength + lengthType;
                if (p + headerRest > in.length) {
                    throw new IllegalArgumentException("TLV: truncated header");
                }
                int id = 0;
                for (int i = 0; i < idLength; i++) {
                    id = id << 8 | (in[p++] & 0xFF);
                }
                int length = lengthType == 0 ? typeByte & 0x7 : 0;
                for (int i = 0; i < lengthType; i++) {
                    length = length << 8 | (in[p++] & 0xFF);
                }
                if (length > in.length - p) {
                    throw new IllegalArgumentException("TLV: a value of " + length + " bytes, " + (in.length - p) + " left");
                }
                entries.add(new Entry(typeByte >> 6, id, Arrays.copyOfRange(in, p, p + length)));
                p += length;
            }
            return entries;
        }
    }
}

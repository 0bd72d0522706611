package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
        Cbor cbor = new Cbor();
        int records = instances.stream().flatMap(i -> i.resources().stream())
                .mapToInt(r -> r.instances() == null ? 1 : r.instances().size()).sum();
        cbor.header(4, records);
        boolean first = true;
        for (ObjectInstance instance : instances) {
            String prefix = namesFromRoot ? instance.objectId() + "/" + instance.instanceId() + "/" : "";
            for (Resource resource : instance.resources()) {
                if (resource.instances() != null) {
                    for (var entry : resource.instances().entrySet()) {
                        cbor.header(5, first ? 3 : 2);
                        if (first) {
                            cbor.integer(BASE_NAME).text(baseName);
                            first = false;
                        }
                        cbor.integer(NAME).text(prefix + resource.id() + "/" + entry.getKey());
                        cbor.integer(VALUE).integer(entry.getValue());
                    }
                    continue;
                }
                cbor.header(5, first ? 3 : 2);
                if (first) {
                    cbor.integer(BASE_NAME).text(baseName);
                    first = false;
                }
                cbor.integer(NAME).text(prefix + resource.id());
                Object value = resource.value();
                if (value instanceof String s) {
                    cbor.integer(STRING_VALUE).text(s);
                } else if (value instanceof Boolean b) {
                    cbor.integer(BOOLEAN_VALUE).bool(b);
                } else if (value instanceof Long l) {
                    cbor.integer(VALUE).integer(l);
                } else {
                    cbor.integer(DATA_VALUE).bytes((byte[]) value);
                }
            }
        }
        return cbor.toByteArray();
    }

    /** The few CBOR (RFC 8949) items SenML needs. */
    static final class Cbor {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Cbor header(int majorType, long argument) {
            int major = majorType << 5;
            if (argument < 24) {
                out.write(major | (int) argument);
            } else if (argument <= 0xFF) {
                out.write(major | 24);
                out.write((int) argument);
            } else if (argument <= 0xFFFF) {
                out.write(major | 25);
                writeBigEndian(argument, 2);
            } else if (argument <= 0xFFFFFFFFL) {
                out.write(major | 26);
                writeBigEndian(argument, 4);
            } else {
                out.write(major | 27);
                writeBigEndian(argument, 8);
            }
            return this;
        }

        Cbor integer(long value) {
            return value >= 0 ? header(0, value) : header(1, -1 - value);
        }

        Cbor text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            header(3, utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        Cbor bytes(byte[] value) {
            header(2, value.length);
            out.writeBytes(value);
            return this;
        }

        Cbor bool(boolean value) {
            out.write(value ? 0xF5 : 0xF4);
            return this;
        }

        private void writeBigEndian(long value, int length) {
            for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
                out.write((int) (value >>> shift));
            }
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * OMA-TLV (11542), LwM2M Core §7.4.3: an Object Instance TLV holding one Resource-with-value TLV
 * per resource.
 */
public final class TlvEncoder implements InstanceEncoder {

    private static final int TYPE_OBJECT_INSTANCE = 0b00;
    private static final int TYPE_RESOURCE_INSTANCE = 0b01;
    private static final int TYPE_MULTIPLE_RESOURCE = 0b10;
    private static final int TYPE_RESOURCE_VALUE = 0b11;

    @Override
    public int contentFormat() {
        return ContentFormat.TLV;
    }

    @Override
    public byte[] encode(ObjectInstance instance) {
        ByteArrayOutputStream resources = new ByteArrayOutputStream();
        for (Resource resource : instance.resources()) {
            if (resource.instances() != null) {
                ByteArrayOutputStream instances = new ByteArrayOutputStream();
                resource.instances().forEach((id, v) -> writeTlv(instances, TYPE_RESOURCE_INSTANCE, id, integer(v)));
                writeTlv(resources, TYPE_MULTIPLE_RESOURCE, resource.id(), instances.toByteArray());
            } else {
                writeTlv(resources, TYPE_RESOURCE_VALUE, resource.id(), value(resource.value()));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeTlv(out, TYPE_OBJECT_INSTANCE, instance.instanceId(), resources.toByteArray());
        return out.toByteArray();
    }

    static byte[] value(Object value) {
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Boolean b) {
            return new byte[] {(byte) (b ? 1 : 0)};
        }
        if (value instanceof Long l) {
            return integer(l);
        }
        return (byte[]) value;
    }

    /** Integers take 1, 2, 4 or 8 bytes, two's complement, big-endian: the shortest that fits. */
    static byte[] integer(long v) {
        int length = v == (byte) v ? 1 : v == (short) v ? 2 : v == (int) v ? 4 : 8;
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) v;
            v >>= 8;
        }
        return bytes;
    }

    private static void writeTlv(ByteArrayOutputStream out, int type, int identifier, byte[] value) {
        if (identifier < 0 || identifier > 0xFFFF) {
            throw new IllegalArgumentException("TLV identifier must be 0..65535, not " + identifier);
        }
        boolean wideIdentifier = identifier > 0xFF;
        int length = value.length;
        int lengthType;
        if (length < 8) {
            lengthType = 0;
        } else if (length <= 0xFF) {
            lengthType = 1;
        } else if (length <= 0xFFFF) {
            lengthType = 2;
        } else if (length <= 0xFFFFFF) {
            lengthType = 3;
        } else {
            throw new IllegalArgumentException("TLV value too long: " + length + " bytes");
        }
        int typeByte = (type << 6) | ((wideIdentifier ? 1 : 0) << 5) | (lengthType << 3) | (lengthType == 0 ? length : 0);
        out.write(typeByte);
        if (wideIdentifier) {
            out.write(identifier >> 8);
        }
        out.write(identifier);
        for (int shift = (lengthType - 1) * 8; lengthType > 0 && shift >= 0; shift -= 8) {
            out.write(length >> shift);
        }
        out.writeBytes(value);
    }
}

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.Objects;

/**
 * One single-instance resource value as the bootstrap interface writes it. The value is a
 * {@link String}, {@link Long}, {@link Boolean} or {@code byte[]} (Opaque).
 */
public record Resource(int id, Object value) {

    public Resource {
        Objects.requireNonNull(value, "value");
        if (!(value instanceof String || value instanceof Long || value instanceof Boolean || value instanceof byte[])) {
            throw new IllegalArgumentException("unsupported resource value type " + value.getClass());
        }
    }

    public static Resource string(int id, String value) {
        return new Resource(id, value);
    }

    public static Resource integer(int id, long value) {
        return new Resource(id, value);
    }

    public static Resource bool(int id, boolean value) {
        return new Resource(id, value);
    }

    public static Resource opaque(int id, byte[] value) {
        return new Resource(id, value.clone());
    }

    @Override
    public String toString() {
        // Opaque values may be keys: never print them.
        return "Resource[" + id + "=" + (value instanceof byte[] b ? "<" + b.length + " bytes>" : value) + "]";
    }
}

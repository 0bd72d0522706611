package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.Objects;

/**
 * One single-instance resource value as the bootstrap interface writes it. The value is a
 * {@link String}, {@link Long}, {@link Boolean} or {@code byte[]} (Opaque), or for a multiple-instance
 * resource a sorted map of resource instance id to {@link Long}.
 */
public record Resource(int id, Object value) {

    public Resource {
        Objects.requireNonNull(value, "value");
        if (value instanceof java.util.Map<?, ?> instances) {
            value = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(instances));
        } else if (!(value instanceof String || value instanceof Long || value instanceof Boolean || value instanceof byte[])) {
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

    /** A multiple-instance Integer resource: resource instance id → value (for example an ACL). */
    public static Resource integers(int id, java.util.Map<Integer, Long> instances) {
        return new Resource(id, instances);
    }

    /** The instances of a multiple-instance resource, or null for a single value. */
    @SuppressWarnings("unchecked")
    public java.util.SortedMap<Integer, Long> instances() {
        return value instanceof java.util.SortedMap<?, ?> m ? (java.util.SortedMap<Integer, Long>) m : null;
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

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.dataformat.cbor.CBORFactory;

/**
 * What SenML-CBOR and LwM2M-CBOR share: Jackson's CBOR generator (definite-length arrays and maps
 * when sized, shortest integer forms up to 8-byte arguments) and the CBOR item for a resource value.
 */
final class Cbor {

    /** Thread-safe; each generator takes its buffers from the factory's recycler pool. */
    private static final CBORFactory FACTORY = new CBORFactory();
    /** Larger than a typical instance (a URI, a key, a few integers), so the output rarely grows. */
    private static final int INITIAL_CAPACITY = 256;

    private Cbor() {
    }

    /** The bytes {@code body} writes. */
    static byte[] write(Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(INITIAL_CAPACITY);
        try (JsonGenerator cbor = FACTORY.createGenerator(out)) {
            body.accept(cbor);
        }
        return out.toByteArray();
    }

    /**
     * A definite-length text string. Jackson writes a String of a few thousand characters as
     * indefinite-length chunks, which small device decoders may not read; UTF-8 bytes never are.
     */
    static void text(JsonGenerator cbor, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        cbor.writeUTF8String(utf8, 0, utf8.length);
    }

    /** A resource value: text, boolean, integer, or a byte string for Opaque. */
    static void value(JsonGenerator cbor, Object value) {
        if (value instanceof String s) {
            text(cbor, s);
        } else if (value instanceof Boolean b) {
            cbor.writeBoolean(b);
        } else if (value instanceof Long l) {
            cbor.writeNumber(l.longValue());
        } else {
            cbor.writeBinary((byte[]) value);
        }
    }
}

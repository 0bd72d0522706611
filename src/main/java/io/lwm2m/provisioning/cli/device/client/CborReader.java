package io.lwm2m.provisioning.cli.device.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CBOR (RFC 8949) a bootstrap server writes in SenML-CBOR and LwM2M-CBOR: integers, byte and
 * text strings, arrays, maps, booleans, null, floats and tags (whose content is read, the tag left
 * out), each of definite length. Integers come back as {@link Long}, floats as {@link Double},
 * strings as {@code byte[]} or {@link String}, arrays as lists and maps as insertion-ordered maps.
 */
final class CborReader {

    private final byte[] in;
    private int position;

    private CborReader(byte[] in) {
        this.in = in;
    }

    /** The single item {@code cbor} holds; anything after it is an error. */
    static Object read(byte[] cbor) {
        CborReader reader = new CborReader(cbor);
        Object item = reader.item(0);
        if (reader.position != cbor.length) {
            throw new IllegalArgumentException("CBOR: " + (cbor.length - reader.position) + " bytes after the first item");
        }
        return item;
    }

    private Object item(int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException("CBOR: nested more than 16 levels");
        }
        int initial = next();
        int major = initial >>> 5;
        int additional = initial & 0x1F;
        if (major == 7) {
            return simple(additional);
        }
        long argument = argument(additional);
        return switch (major) {
            case 0 -> argument;
            case 1 -> -1 - argument;
            case 2 -> bytes(argument);
            case 3 -> text(bytes(argument));
            case 4 -> array(argument, depth);
            case 5 -> map(argument, depth);
            default -> item(depth + 1); // 6: a tag, whose content is the value
        };
    }

    private List<Object> array(long length, int depth) {
        List<Object> items = new ArrayList<>();
        for (long i = 0; i < length; i++) {
            items.add(item(depth + 1));
        }
        return items;
    }

    private Map<Object, Object> map(long length, int depth) {
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (long i = 0; i < length; i++) {
            Object key = item(depth + 1);
            if (entries.put(key instanceof List<?> l ? List.copyOf(l) : key, item(depth + 1)) != null) {
                throw new IllegalArgumentException("CBOR: map key " + key + " twice");
            }
        }
        return entries;
    }

    private Object simple(int additional) {
        return switch (additional) {
            case 20 -> false;
            case 21 -> true;
            case 22, 23 -> null;
            case 25 -> halfFloat((int) argument(25));
            case 26 -> (double) Float.intBitsToFloat((int) argument(26));
            case 27 -> Double.longBitsToDouble(argument(27));
            default -> throw new IllegalArgumentException("CBOR: simple value " + additional + " is not supported");
        };
    }

    private long argument(int additional) {
        if (additional < 24) {
            return additional;
        }
        int length = switch (additional) {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            default -> throw new IllegalArgumentException("CBOR: indefinite lengths and reserved values are not supported");
        };
        long value = 0;
        for (int i = 0; i < length; i++) {
            value = value << 8 | next();
        }
        if (value < 0) {
            throw new IllegalArgumentException("CBOR: integer beyond 63 bits");
        }
        return value;
    }

    private byte[] bytes(long length) {
        if (length > in.length - position) {
            throw new IllegalArgumentException("CBOR: a string of " + length + " bytes, " + (in.length - position) + " left");
        }
        byte[] out = Arrays.copyOfRange(in, position, position + (int) length);
        position += (int) length;
        return out;
    }

    private static String text(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("CBOR: a text string that is not UTF-8");
        }
    }

    private static double halfFloat(int bits) {
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        double value = exponent == 0 ? mantissa * Math.pow(2, -24)
                : exponent == 31 ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : (mantissa + 1024) * Math.pow(2, exponent - 25);
        return (bits & 0x8000) != 0 ? -value : value;
    }

    private int next() {
        if (position >= in.length) {
            throw new IllegalArgumentException("CBOR: truncated");
        }
        return in[position++] & 0xFF;
    }
}

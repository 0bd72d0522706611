package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SenML-CBOR (RFC 8428 §6). Jackson's CBOR module is not on the test classpath, so the output is
 * decoded with the small, independent CBOR reader at the bottom of this class.
 */
class SenmlCborEncoderTest {

    private static final long BN = -2;
    private static final long N = 0;
    private static final long V = 2;
    private static final long VS = 3;
    private static final long VB = 4;
    private static final long VD = 8;

    private final SenmlCborEncoder encoder = new SenmlCborEncoder();

    @Test
    void declaresTheSenmlCborContentFormat() {
        assertThat(encoder.contentFormat()).isEqualTo(112);
    }

    @Test
    void writesOneRecordPerResourceInOrder() {
        List<Object> records = decodeArray(encoder.encode(securityInstance()));

        assertThat(records).hasSize(4);
        assertThat(records).extracting(r -> (Object) ((Map<?, ?>) r).get(N)).containsExactly("0", "1", "3", "10");
    }

    @Test
    void putsTheBaseNameWithLabelMinusTwoOnTheFirstRecordOnly() {
        List<Object> records = decodeArray(encoder.encode(securityInstance()));

        assertThat(record(records, 0)).containsEntry(BN, "/0/1/");
        for (int i = 1; i < records.size(); i++) {
            assertThat(record(records, i)).doesNotContainKey(BN);
        }
    }

    @Test
    void writesStringsWithLabelThree() {
        Map<Object, Object> first = record(decodeArray(encoder.encode(securityInstance())), 0);

        assertThat(first).containsOnlyKeys(BN, N, VS).containsEntry(VS, "coaps://dm.example:5684");
    }

    @Test
    void writesBooleansWithLabelFourAsCborSimpleValues() {
        Map<Object, Object> second = record(decodeArray(encoder.encode(securityInstance())), 1);

        assertThat(second).containsOnlyKeys(N, VB).containsEntry(VB, false);
    }

    @Test
    void writesOpaqueValuesWithLabelEightAsCborByteStrings() {
        Map<Object, Object> third = record(decodeArray(encoder.encode(securityInstance())), 2);

        assertThat(third).containsOnlyKeys(N, VD);
        assertThat((byte[]) third.get(VD)).containsExactly(1, 2, (byte) 0xFF);
    }

    @Test
    void writesIntegersWithLabelTwo() {
        Map<Object, Object> fourth = record(decodeArray(encoder.encode(securityInstance())), 3);

        assertThat(fourth).containsOnlyKeys(N, V).containsEntry(V, 101L);
    }

    @Test
    void encodesIntegerValuesOfEverySizeAndSign() {
        long[] values = {0, 23, 24, 255, 256, 65535, 65536, 4294967295L, 4294967296L, Long.MAX_VALUE,
                -1, -24, -25, -256, -257, -65537, Long.MIN_VALUE};
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            resources.add(Resource.integer(i, values[i]));
        }

        List<Object> records = decodeArray(encoder.encode(new ObjectInstance(1, 0, resources)));

        assertThat(records).extracting(r -> (Object) ((Map<?, ?>) r).get(V))
                .containsExactly(Arrays.stream(values).boxed().toArray());
    }

    @Test
    void encodesASingleServerRecordByteForByte() {
        byte[] cbor = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.integer(1, 300))));

        // [ {-2: "/1/0/", 0: "1", 2: 300} ]
        assertThat(HexFormat.of().formatHex(cbor)).isEqualTo(
                "81" + "a3" + "21" + "652f312f302f" + "00" + "6131" + "02" + "19012c");
    }

    @Test
    void writesIntegersThatNeedEightBytesWithAnEightByteArgument() {
        byte[] cbor = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.integer(1, 4_294_967_296L),
                Resource.integer(2, -4_294_967_297L))));

        // [ {-2: "/1/0/", 0: "1", 2: 2^32}, {0: "2", 2: -2^32 - 1} ]
        assertThat(HexFormat.of().formatHex(cbor)).isEqualTo("82" + "a3" + "21" + "652f312f302f" + "00" + "6131" + "02"
                + "1b0000000100000000" + "a2" + "00" + "6132" + "02" + "3b0000000100000000");
    }

    @Test
    void encodesLongTextAndByteStringLengthsWithExtendedHeaders() {
        String uri = "coaps://" + "a".repeat(70_000) + ":5684";
        byte[] key = new byte[70_000];
        Arrays.fill(key, (byte) 7);

        List<Object> records = decodeArray(encoder.encode(new ObjectInstance(0, 0, List.of(
                Resource.string(0, uri), Resource.opaque(5, key)))));

        assertThat(record(records, 0)).containsEntry(VS, uri);
        assertThat((byte[]) record(records, 1).get(VD)).isEqualTo(key);
    }

    @Test
    void encodesNonAsciiStringsAsUtf8Text() {
        List<Object> records = decodeArray(encoder.encode(new ObjectInstance(1, 0, List.of(Resource.string(7, "Ü€")))));

        assertThat(record(records, 0)).containsEntry(VS, "Ü€");
    }

    @Test
    void writesTheWholeOutputAsExactlyOneCborItem() {
        byte[] cbor = encoder.encode(securityInstance());
        CborReader reader = new CborReader(cbor);

        reader.read();

        assertThat(reader.position).isEqualTo(cbor.length);
    }

    private static ObjectInstance securityInstance() {
        return new ObjectInstance(0, 1, List.of(
                Resource.string(0, "coaps://dm.example:5684"),
                Resource.bool(1, false),
                Resource.opaque(3, new byte[] {1, 2, (byte) 0xFF}),
                Resource.integer(10, 101)));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> record(List<Object> records, int index) {
        return (Map<Object, Object>) records.get(index);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> decodeArray(byte[] cbor) {
        CborReader reader = new CborReader(cbor);
        Object item = reader.read();
        assertThat(reader.position).as("no bytes after the top-level item").isEqualTo(cbor.length);
        assertThat(item).isInstanceOf(List.class);
        return (List<Object>) item;
    }

    /** Definite-length CBOR (RFC 8949): integers as Long, text as String, bytes as byte[], maps, arrays, true/false. */
    static final class CborReader {
        private final byte[] in;
        int position;

        CborReader(byte[] in) {
            this.in = in;
        }

        Object read() {
            int initial = in[position++] & 0xFF;
            int major = initial >> 5;
            int info = initial & 0x1F;
            if (major == 7) {
                return switch (info) {
                    case 20 -> false;
                    case 21 -> true;
                    case 22 -> null;
                    default -> throw new IllegalStateException("unsupported simple/float " + info);
                };
            }
            long argument = argument(info);
            switch (major) {
                case 0:
                    return argument; // unsigned; values above Long.MAX_VALUE are not needed here
                case 1:
                    return -1 - argument; // Long.MIN_VALUE encodes as argument Long.MAX_VALUE
                case 2:
                    return take((int) argument);
                case 3:
                    return new String(take((int) argument), StandardCharsets.UTF_8);
                case 4: {
                    List<Object> list = new ArrayList<>();
                    for (long i = 0; i < argument; i++) {
                        list.add(read());
                    }
                    return list;
                }
                case 5: {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (long i = 0; i < argument; i++) {
                        Object key = read();
                        Object previous = map.put(key, read());
                        assertThat(previous).as("duplicate map key " + key).isNull();
                    }
                    return map;
                }
                default:
                    throw new IllegalStateException("unsupported major type " + major);
            }
        }

        private long argument(int info) {
            if (info < 24) {
                return info;
            }
            int length = switch (info) {
                case 24 -> 1;
                case 25 -> 2;
                case 26 -> 4;
                case 27 -> 8;
                default -> throw new IllegalStateException("indefinite or reserved length " + info);
            };
            long value = 0;
            for (int i = 0; i < length; i++) {
                value = (value << 8) | (in[position++] & 0xFF);
            }
            return value;
        }

        private byte[] take(int length) {
            byte[] out = Arrays.copyOfRange(in, position, position + length);
            position += length;
            return out;
        }
    }
}

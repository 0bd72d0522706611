package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OMA-TLV as LwM2M Core 1.1 §7.4.3 defines it. */
class TlvEncoderTest {

    private final TlvEncoder encoder = new TlvEncoder();

    @Test
    void declaresTheTlvContentFormat() {
        assertThat(encoder.contentFormat()).isEqualTo(11542);
    }

    @Test
    void encodesASmallInstanceWithAStringABooleanAndAnIntegerByteForByte() {
        ObjectInstance instance = new ObjectInstance(0, 3, List.of(
                Resource.string(0, "ab"),
                Resource.bool(1, true),
                Resource.integer(10, 5)));

        // Resources: C2 00 'a' 'b' | C1 01 01 | C1 0A 05 (10 bytes), wrapped in an Object Instance TLV
        // whose 10-byte value needs length type 01: 00 001 000 = 0x08, id 03, length 0A.
        assertThat(hex(encoder.encode(instance))).isEqualTo("08030a" + "c2006162" + "c10101" + "c10a05");
    }

    @Test
    void encodesAShortInstanceWithTheLengthInTheTypeByte() {
        ObjectInstance instance = new ObjectInstance(1, 0, List.of(Resource.bool(6, false)));

        // Resource C1 06 00 is 3 bytes: the instance header is 00 000 011 = 0x03, id 00.
        assertThat(hex(encoder.encode(instance))).isEqualTo("0300" + "c10600");
    }

    @Test
    void encodesBooleansAsOneByteZeroOrOne() {
        assertThat(TlvEncoder.value(false)).containsExactly(0);
        assertThat(TlvEncoder.value(true)).containsExactly(1);
    }

    @Test
    void encodesStringsAsUtf8() {
        assertThat(TlvEncoder.value("é€")).containsExactly("é€".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodesIntegersThatFitInOneByteAsOneByte() {
        assertThat(hex(TlvEncoder.integer(0))).isEqualTo("00");
        assertThat(hex(TlvEncoder.integer(127))).isEqualTo("7f");
        assertThat(hex(TlvEncoder.integer(-1))).isEqualTo("ff");
        assertThat(hex(TlvEncoder.integer(-128))).isEqualTo("80");
    }

    @Test
    void encodesIntegersThatNeedTwoBytesInTheShortestTwosComplementForm() {
        assertThat(hex(TlvEncoder.integer(128))).isEqualTo("0080");
        assertThat(hex(TlvEncoder.integer(-129))).isEqualTo("ff7f");
        assertThat(hex(TlvEncoder.integer(32767))).isEqualTo("7fff");
        assertThat(hex(TlvEncoder.integer(-32768))).isEqualTo("8000");
    }

    @Test
    void encodesIntegersThatNeedThreeOrFourBytesInFourBytes() {
        assertThat(hex(TlvEncoder.integer(32768))).isEqualTo("00008000");
        assertThat(hex(TlvEncoder.integer(-32769))).isEqualTo("ffff7fff");
        assertThat(hex(TlvEncoder.integer(86400))).isEqualTo("00015180");
        assertThat(hex(TlvEncoder.integer(Integer.MAX_VALUE))).isEqualTo("7fffffff");
        assertThat(hex(TlvEncoder.integer(Integer.MIN_VALUE))).isEqualTo("80000000");
    }

    @Test
    void encodesIntegersBeyondThirtyTwoBitsInEightBytes() {
        assertThat(hex(TlvEncoder.integer(1L << 31))).isEqualTo("0000000080000000");
        assertThat(hex(TlvEncoder.integer(-(1L << 31) - 1))).isEqualTo("ffffffff7fffffff");
        assertThat(hex(TlvEncoder.integer(Long.MAX_VALUE))).isEqualTo("7fffffffffffffff");
        assertThat(hex(TlvEncoder.integer(Long.MIN_VALUE))).isEqualTo("8000000000000000");
    }

    @Test
    void writesAnEightByteIntegerResourceWithAnEightBitLengthField() {
        byte[] tlv = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.integer(1, Long.MAX_VALUE))));

        // Resource: 11 0 01 000 = 0xC8 (bits 2-0 zero), id 01, length 08, then the value; the
        // instance holds 11 bytes: 00 0 01 000 = 0x08, id 00, length 0B.
        assertThat(hex(tlv)).isEqualTo("08000b" + "c80108" + "7fffffffffffffff");
    }

    @Test
    void keepsAValueOfSevenBytesInTheTypeByteAndMovesEightBytesToALengthField() {
        byte[] seven = encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(3, new byte[7]))));
        byte[] eight = encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(3, new byte[8]))));

        assertThat(hex(Arrays.copyOfRange(seven, 3, 5))).isEqualTo("c703");
        assertThat(hex(Arrays.copyOfRange(eight, 3, 6))).isEqualTo("c80308");
    }

    @Test
    void writesAValueOf256BytesOrMoreWithASixteenBitLengthField() {
        byte[] key = new byte[300];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }

        byte[] tlv = encoder.encode(new ObjectInstance(0, 2, List.of(Resource.opaque(5, key))));

        // Instance: 00 0 10 000 = 0x10, id 02, length 0x0130 (4 + 300); resource: 11 0 10 000 = 0xD0, id 05, length 0x012C.
        assertThat(hex(Arrays.copyOfRange(tlv, 0, 8))).isEqualTo("10020130" + "d005012c");
        assertThat(Arrays.copyOfRange(tlv, 8, tlv.length)).isEqualTo(key);
    }

    @Test
    void writesExactly255BytesWithAnEightBitLengthAnd256WithASixteenBitLength() {
        byte[] at255 = encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(5, new byte[255]))));
        byte[] at256 = encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(5, new byte[256]))));

        Tlv r255 = readAll(at255).get(0).children().get(0);
        Tlv r256 = readAll(at256).get(0).children().get(0);
        assertThat(r255.lengthType()).isEqualTo(1);
        assertThat(r256.lengthType()).isEqualTo(2);
        assertThat(r255.value()).hasSize(255);
        assertThat(r256.value()).hasSize(256);
    }

    @Test
    void writesAValueBeyond65535BytesWithATwentyFourBitLengthField() {
        byte[] big = new byte[70_000];
        big[69_999] = 42;

        Tlv resource = readAll(encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(5, big))))).get(0)
                .children().get(0);

        assertThat(resource.lengthType()).isEqualTo(3);
        assertThat(resource.value()).isEqualTo(big);
    }

    @Test
    void writesAResourceIdentifierAbove255WithASixteenBitIdentifier() {
        byte[] tlv = encoder.encode(new ObjectInstance(3, 0, List.of(Resource.string(300, "x"))));

        // Resource: 11 1 00 001 = 0xE1, id 01 2C, value 'x'. Instance: 4 bytes of value, 8-bit id 00.
        assertThat(hex(tlv)).isEqualTo("0400" + "e1012c78");
    }

    @Test
    void writesAnInstanceIdentifierAbove255WithASixteenBitIdentifier() {
        byte[] tlv = encoder.encode(new ObjectInstance(0, 256, List.of(Resource.bool(1, false))));

        // Instance: 00 1 00 011 = 0x23, id 01 00; resource C1 01 00.
        assertThat(hex(tlv)).isEqualTo("230100" + "c10100");
    }

    @Test
    void keepsIdentifier255EightBit() {
        byte[] tlv = encoder.encode(new ObjectInstance(0, 255, List.of(Resource.string(255, ""))));

        assertThat(hex(tlv)).isEqualTo("02ff" + "c0ff");
    }

    @Test
    void producesOutputThatAnIndependentReaderDecodesToTheSameInstance() {
        byte[] key = new byte[16];
        Arrays.fill(key, (byte) 0xA5);
        DmServerAccount account = new DmServerAccount("dm", "coaps://dm.example:5684", 101, 86400, "U", true,
                SecurityMode.PSK, "device-identity-0001", key);
        ObjectInstance security = account.securityInstance(1);

        List<Tlv> top = readAll(encoder.encode(security));

        assertThat(top).hasSize(1);
        Tlv instance = top.get(0);
        assertThat(instance.type()).isEqualTo(0b00);
        assertThat(instance.id()).isEqualTo(1);
        List<Tlv> resources = instance.children();
        assertThat(resources).extracting(Tlv::type).containsOnly(0b11);
        assertThat(resources).extracting(Tlv::id).containsExactly(0, 1, 2, 3, 4, 5, 10);
        assertThat(new String(resources.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("coaps://dm.example:5684");
        assertThat(resources.get(1).value()).containsExactly(0);
        assertThat(resources.get(2).value()).containsExactly(0);
        assertThat(new String(resources.get(3).value(), StandardCharsets.UTF_8)).isEqualTo("device-identity-0001");
        assertThat(resources.get(4).value()).isEmpty();
        assertThat(resources.get(5).value()).isEqualTo(key);
        assertThat(resources.get(6).value()).containsExactly(101);
    }

    @Test
    void decodesTheServerInstanceIntegersBackToTheirValues() {
        ObjectInstance server = new DmServerAccount("dm", "coap://x", 65534, 86400, "UQ", false, SecurityMode.NOSEC,
                null, null).serverInstance(0);

        List<Tlv> resources = readAll(encoder.encode(server)).get(0).children();

        assertThat(resources).extracting(Tlv::id).containsExactly(0, 1, 6, 7);
        assertThat(signed(resources.get(0).value())).isEqualTo(65534);
        assertThat(signed(resources.get(1).value())).isEqualTo(86400);
        assertThat(resources.get(2).value()).containsExactly(0);
        assertThat(new String(resources.get(3).value(), StandardCharsets.UTF_8)).isEqualTo("UQ");
    }

    // ---- an independent OMA-TLV reader ----

    record Tlv(int type, int id, int lengthType, byte[] value) {
        List<Tlv> children() {
            return readAll(value);
        }
    }

    static List<Tlv> readAll(byte[] bytes) {
        List<Tlv> out = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            int typeByte = bytes[i++] & 0xFF;
            int type = typeByte >> 6;
            boolean wideId = (typeByte & 0x20) != 0;
            int lengthType = (typeByte >> 3) & 0b11;
            int id = bytes[i++] & 0xFF;
            if (wideId) {
                id = (id << 8) | (bytes[i++] & 0xFF);
            }
            int length;
            if (lengthType == 0) {
                length = typeByte & 0b111;
            } else {
                assertThat(typeByte & 0b111).as("bits 2-0 when the length has its own field").isZero();
                length = 0;
                for (int k = 0; k < lengthType; k++) {
                    length = (length << 8) | (bytes[i++] & 0xFF);
                }
            }
            out.add(new Tlv(type, id, lengthType, Arrays.copyOfRange(bytes, i, i + length)));
            i += length;
        }
        assertThat(i).as("TLV ends exactly at the end of its container").isEqualTo(bytes.length);
        return out;
    }

    private static long signed(byte[] bigEndian) {
        long v = bigEndian[0]; // sign-extends
        for (int i = 1; i < bigEndian.length; i++) {
            v = (v << 8) | (bigEndian[i] & 0xFF);
        }
        return v;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}

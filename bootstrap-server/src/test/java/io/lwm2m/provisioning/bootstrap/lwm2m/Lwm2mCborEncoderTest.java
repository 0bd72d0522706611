package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBOREncodeOptions;
import com.upokecenter.cbor.CBORObject;
import com.upokecenter.cbor.CBORType;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LwM2M-CBOR (11544), read back with PeterO's CBOR library (com.upokecenter:cbor). */
class Lwm2mCborEncoderTest {

    private final Lwm2mCborEncoder encoder = new Lwm2mCborEncoder();

    @Test
    void declaresTheLwm2mCborContentFormat() {
        assertThat(encoder.contentFormat()).isEqualTo(11544);
        assertThat(InstanceEncoder.forContentFormat(11544)).containsInstanceOf(Lwm2mCborEncoder.class);
        assertThat(PackEncoder.forContentFormat(11544)).containsInstanceOf(Lwm2mCborEncoder.class);
    }

    @Test
    void nestsObjectInstanceAndResourceMapsFromTheRoot() {
        CBORObject root = CBORObject.DecodeFromBytes(encoder.encode(security()));

        assertThat(root.getType()).isEqualTo(CBORType.Map);
        assertThat(root.getKeys()).containsExactly(CBORObject.FromObject(0));
        CBORObject instance = root.get(0).get(3);
        assertThat(instance.get(0).AsString()).isEqualTo("coaps://dm.example:5684");
        assertThat(instance.get(1).AsBoolean()).isFalse();
        assertThat(instance.get(2).AsInt32()).isZero();
        assertThat(instance.get(3).GetByteString()).containsExactly('i', 'd');
        assertThat(instance.get(5).getType()).isEqualTo(CBORType.ByteString);
        assertThat(instance.get(5).GetByteString()).containsExactly(1, 2, 3);
        assertThat(instance.get(10).AsInt32()).isEqualTo(101);
    }

    @Test
    void writesAMultipleInstanceResourceAsAMapOfResourceInstances() {
        ObjectInstance acl = new ObjectInstance(2, 0, List.of(Resource.integer(0, 3), Resource.integer(1, 0),
                Resource.integers(2, Map.of(101, 1L, 0, 15L)), Resource.integer(3, 101)));

        CBORObject resource = CBORObject.DecodeFromBytes(encoder.encode(acl)).get(2).get(0).get(2);

        assertThat(resource.getType()).isEqualTo(CBORType.Map);
        assertThat(resource.get(101).AsInt32()).isEqualTo(1);
        assertThat(resource.get(0).AsInt32()).isEqualTo(15);
    }

    @Test
    void groupsAPackByObjectThenInstance() {
        DmServerAccount account = new DmServerAccount("dm", "coaps://dm.example:5684", 101, 300, "U", false,
                SecurityMode.PSK, "id", new byte[] {1, 2, 3});
        CBORObject root = CBORObject.DecodeFromBytes(encoder.encodePack(List.of(account.securityInstance(1),
                account.securityInstance(2), account.serverInstance(0))));

        assertThat(root.getKeys()).containsExactlyInAnyOrder(CBORObject.FromObject(0), CBORObject.FromObject(1));
        assertThat(root.get(0).getKeys()).containsExactlyInAnyOrder(CBORObject.FromObject(1), CBORObject.FromObject(2));
        assertThat(root.get(1).get(0).get(7).AsString()).isEqualTo("U");
        assertThat(root.get(1).get(0).get(0).AsInt32()).isEqualTo(101);
    }

    @Test
    void encodesLargeIntegersAndLongStringsCanonically() {
        ObjectInstance server = new ObjectInstance(1, 300, List.of(Resource.integer(1, 4_000_000_000L),
                Resource.string(7, "U".repeat(300))));

        CBORObject instance = CBORObject.DecodeFromBytes(encoder.encode(server)).get(1).get(300);

        assertThat(instance.get(1).AsInt64Value()).isEqualTo(4_000_000_000L);
        assertThat(instance.get(7).AsString()).hasSize(300);
    }

    @Test
    void writesEightByteIntegersAndFourByteLengthsInTheirShortestForms() {
        byte[] key = new byte[70_000];
        ObjectInstance instance = new ObjectInstance(0, 1, List.of(Resource.integer(1, 4_294_967_296L),
                Resource.integer(2, Long.MIN_VALUE), Resource.opaque(3, key)));

        byte[] cbor = encoder.encode(instance);

        // {0: {1: {1: 4294967296, 2: -2^63, 3: h'00…' (70,000 bytes)}}}
        assertThat(HexFormat.of().formatHex(cbor, 0, 31)).isEqualTo("a1" + "00" + "a1" + "01" + "a3"
                + "01" + "1b0000000100000000" + "02" + "3b7fffffffffffffff" + "03" + "5a00011170");
        CBORObject resources = CBORObject.DecodeFromBytes(cbor, new CBOREncodeOptions("ctap2canonical=true")).get(0).get(1);
        assertThat(resources.get(1).AsInt64Value()).isEqualTo(4_294_967_296L);
        assertThat(resources.get(2).AsInt64Value()).isEqualTo(Long.MIN_VALUE);
        assertThat(resources.get(3).GetByteString()).isEqualTo(key);
    }

    private static ObjectInstance security() {
        return new DmServerAccount("dm", "coaps://dm.example:5684", 101, 300, "U", false, SecurityMode.PSK, "id",
                new byte[] {1, 2, 3}).securityInstance(3);
    }
}

package io.lwm2m.provisioning.cli.device.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.InstanceEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.Lwm2mCborEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.ObjectInstance;
import io.lwm2m.provisioning.bootstrap.lwm2m.PackEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.Resource;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.lwm2m.SenmlCborEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.SenmlJsonEncoder;
import io.lwm2m.provisioning.bootstrap.lwm2m.TlvEncoder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The simulator reads back, in every format, exactly what the server's own encoders write. */
class Lwm2mDecoderTest {

    private static final DmServerAccount ACCOUNT = new DmServerAccount("dm-1", "coaps://dm.example:5684", 101, 300, "UQ", true,
            SecurityMode.X509, new byte[] {1, 2, 3}, new byte[200], new byte[] {(byte) 0xFF, 0, 0x7F}, 10, 120, 3600, 3);
    private static final ObjectInstance ACL = new ObjectInstance(2, 4, List.of(Resource.integer(0, 3), Resource.integer(1, 0),
            Resource.integers(2, Map.of(0, 1L, 101, 15L)), Resource.integer(3, 101)));

    @ParameterizedTest
    @ValueSource(ints = {ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR})
    void readsEverySecurityServerAndAccessControlResourceTheEncodersWrite(int contentFormat) {
        InstanceEncoder encoder = encoder(contentFormat);
        for (ObjectInstance written : List.of(ACCOUNT.securityInstance(3, true), ACCOUNT.serverInstance(7, true), ACL)) {
            List<ObjectInstance> read = Lwm2mDecoder.decode(encoder.encode(written), contentFormat, written.path());
            assertThat(read).hasSize(1);
            assertThat(values(read.get(0))).as(written.path()).isEqualTo(values(written));
            assertThat(read.get(0).objectId()).isEqualTo(written.objectId());
            assertThat(read.get(0).instanceId()).isEqualTo(written.instanceId());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR})
    void readsABootstrapPackWithItsPathsFromTheRoot(int contentFormat) {
        List<ObjectInstance> pack = List.of(ACCOUNT.securityInstance(1, true), ACCOUNT.serverInstance(0, true), ACL);
        List<ObjectInstance> read = Lwm2mDecoder.decodePack(((PackEncoder) encoder(contentFormat)).encodePack(pack), contentFormat);
        assertThat(read).extracting(ObjectInstance::path).containsExactlyInAnyOrder("/0/1", "/1/0", "/2/4");
        for (ObjectInstance written : pack) {
            ObjectInstance match = read.stream().filter(i -> i.path().equals(written.path())).findFirst().orElseThrow();
            assertThat(values(match)).isEqualTo(values(written));
        }
    }

    @Test
    void refusesWhatIsNotAWellFormedWriteWithAReason() {
        assertThatThrownBy(() -> Lwm2mDecoder.decode(new byte[] {(byte) 0xC8, 0, 10}, ContentFormat.TLV, "/0/1"))
                .hasMessageContaining("TLV: a value of 10 bytes");
        assertThatThrownBy(() -> Lwm2mDecoder.decode(new byte[] {(byte) 0x9F}, ContentFormat.SENML_CBOR, "/0/1"))
                .hasMessageContaining("indefinite");
        assertThatThrownBy(() -> Lwm2mDecoder.decode("{\"n\":1}".getBytes(), ContentFormat.SENML_JSON, "/0/1"))
                .hasMessageContaining("not an array");
        byte[] other = new TlvEncoder().encode(ACCOUNT.serverInstance(2, true));
        assertThatThrownBy(() -> Lwm2mDecoder.decode(other, ContentFormat.TLV, "/1/3")).hasMessageContaining("outside /1/3");
        assertThatThrownBy(() -> Lwm2mDecoder.decode(new byte[0], 42, "/0/1")).hasMessageContaining("Content-Format 42");
    }

    private static InstanceEncoder encoder(int contentFormat) {
        return switch (contentFormat) {
            case ContentFormat.TLV -> new TlvEncoder();
            case ContentFormat.SENML_JSON -> new SenmlJsonEncoder();
            case ContentFormat.SENML_CBOR -> new SenmlCborEncoder();
            default -> new Lwm2mCborEncoder();
        };
    }

    /** Resource id → value, opaque values as lists so that equality compares their bytes. */
    private static Map<Integer, Object> values(ObjectInstance instance) {
        Map<Integer, Object> values = new TreeMap<>();
        for (Resource r : instance.resources()) {
            values.put(r.id(), r.value() instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : r.value());
        }
        return values;
    }
}

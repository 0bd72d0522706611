package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import com.upokecenter.cbor.CBORObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bootstrap-Pack payloads in SenML: one pack, base name "/", names from the root. */
class PackEncodingTest {

    private final DmServerAccount account = new DmServerAccount("dm", "coaps://dm.example:5684", 101, 300, "U", false,
            SecurityMode.PSK, "id", new byte[] {1, 2, 3});
    private final List<ObjectInstance> pack = List.of(account.securityInstance(1), account.serverInstance(0),
            new ObjectInstance(2, 0, List.of(Resource.integer(0, 1), Resource.integer(1, 0),
                    Resource.integers(2, Map.of(101, 1L)), Resource.integer(3, 101))));

    @Test
    void senmlCborPackNamesEveryResourceFromTheRoot() {
        CBORObject records = CBORObject.DecodeFromBytes(new SenmlCborEncoder().encodePack(pack));

        assertThat(records.get(0).get(-2).AsString()).isEqualTo("/");
        List<String> names = records.getValues().stream().map(r -> r.get(0).AsString()).toList();
        assertThat(names).startsWith("0/1/0", "0/1/1", "0/1/2").contains("1/0/0", "1/0/7", "2/0/2/101", "2/0/3");
        assertThat(records.getValues().stream().skip(1).noneMatch(r -> r.ContainsKey(-2))).isTrue();
    }

    @Test
    void senmlJsonPackNamesEveryResourceFromTheRoot() {
        String json = new String(new SenmlJsonEncoder().encodePack(pack), StandardCharsets.UTF_8);

        assertThat(json).startsWith("[{\"bn\":\"/\",\"n\":\"0/1/0\",\"vs\":\"coaps://dm.example:5684\"}")
                .contains("{\"n\":\"1/0/7\",\"vs\":\"U\"}").contains("{\"n\":\"2/0/2/101\",\"v\":1}")
                .contains("{\"n\":\"0/1/5\",\"vd\":\"AQID\"}");
    }

    @Test
    void tlvHasNoPackEncoding() {
        assertThat(PackEncoder.forContentFormat(ContentFormat.TLV)).isEmpty();
        assertThat(PackEncoder.forContentFormat(ContentFormat.SENML_CBOR)).isPresent();
        assertThat(PackEncoder.forContentFormat(ContentFormat.SENML_JSON)).isPresent();
    }
}

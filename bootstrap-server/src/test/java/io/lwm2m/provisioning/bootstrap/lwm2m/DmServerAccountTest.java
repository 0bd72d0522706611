package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Security (/0) and Server (/1) instances one DM server account becomes. */
class DmServerAccountTest {

    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    private final DmServerAccount psk = new DmServerAccount("dm-1", "coaps://dm.example:5684", 101, 86400, "U", true,
            SecurityMode.PSK, "id-0001", KEY);
    private final DmServerAccount nosec = new DmServerAccount("dm-plain", "coap://dm.example:5683", 202, 300, "UQ",
            false, SecurityMode.NOSEC, null, null);

    @Test
    void placesTheSecurityInstanceInObjectZeroAtTheGivenInstanceId() {
        ObjectInstance security = psk.securityInstance(4);

        assertThat(security.objectId()).isZero();
        assertThat(security.instanceId()).isEqualTo(4);
        assertThat(security.path()).isEqualTo("/0/4");
    }

    @Test
    void writesSecurityResources0To5And10InOrder() {
        assertThat(psk.securityInstance(1).resources()).extracting(Resource::id).containsExactly(0, 1, 2, 3, 4, 5, 10);
    }

    @Test
    void fillsThePskSecurityInstanceWithUriModeIdentityKeyAndShortServerId() {
        Map<Integer, Object> values = values(psk.securityInstance(1));

        assertThat(values.get(0)).isEqualTo("coaps://dm.example:5684");
        assertThat(values.get(1)).isEqualTo(false);
        assertThat(values.get(2)).isEqualTo(0L);
        assertThat((byte[]) values.get(3)).isEqualTo("id-0001".getBytes(StandardCharsets.UTF_8));
        assertThat((byte[]) values.get(4)).isEmpty();
        assertThat((byte[]) values.get(5)).isEqualTo(KEY);
        assertThat(values.get(10)).isEqualTo(101L);
    }

    @Test
    void fillsTheNosecSecurityInstanceWithModeThreeAndEmptyKeyMaterial() {
        Map<Integer, Object> values = values(nosec.securityInstance(0));

        assertThat(values.get(0)).isEqualTo("coap://dm.example:5683");
        assertThat(values.get(1)).isEqualTo(false);
        assertThat(values.get(2)).isEqualTo(3L);
        assertThat((byte[]) values.get(3)).isEmpty();
        assertThat((byte[]) values.get(4)).isEmpty();
        assertThat((byte[]) values.get(5)).isEmpty();
        assertThat(values.get(10)).isEqualTo(202L);
    }

    @Test
    void usesTheModeCodeOfTheSpecForEveryMode() {
        assertThat(SecurityMode.PSK.code()).isZero();
        assertThat(SecurityMode.RPK.code()).isEqualTo(1);
        assertThat(SecurityMode.X509.code()).isEqualTo(2);
        assertThat(SecurityMode.NOSEC.code()).isEqualTo(3);
        assertThat(SecurityMode.EST.code()).isEqualTo(4);
    }

    @Test
    void copiesTheKeySoThatLaterChangesToTheCallersArrayDoNotLeakIn() {
        byte[] key = KEY.clone();
        DmServerAccount account = new DmServerAccount("dm", "coaps://x", 1, 60, "U", false, SecurityMode.PSK, "id", key);
        ObjectInstance security = account.securityInstance(0);

        key[0] = 0x7F;

        assertThat((byte[]) values(security).get(5)).isEqualTo(KEY);
    }

    @Test
    void placesTheServerInstanceInObjectOneAtTheGivenInstanceId() {
        assertThat(psk.serverInstance(2).path()).isEqualTo("/1/2");
    }

    @Test
    void fillsThePskServerInstanceWithShortServerIdLifetimeStoringAndBinding() {
        ObjectInstance server = psk.serverInstance(0);

        assertThat(server.resources()).extracting(Resource::id).containsExactly(0, 1, 6, 7);
        assertThat(values(server)).containsExactly(
                Map.entry(0, 101L), Map.entry(1, 86400L), Map.entry(6, true), Map.entry(7, "U"));
    }

    @Test
    void fillsTheNosecServerInstanceWithItsOwnValues() {
        assertThat(values(nosec.serverInstance(1))).containsExactly(
                Map.entry(0, 202L), Map.entry(1, 300L), Map.entry(6, false), Map.entry(7, "UQ"));
    }

    @Test
    void neverPrintsTheKeyOrIdentity() {
        assertThat(psk.toString())
                .isEqualTo("DmServerAccount[dm-1, ssid=101, mode=PSK]")
                .doesNotContain("id-0001");
        assertThat(psk.securityInstance(0).resources().get(5).toString()).isEqualTo("Resource[5=<16 bytes>]");
    }

    private static Map<Integer, Object> values(ObjectInstance instance) {
        Map<Integer, Object> values = new LinkedHashMap<>();
        instance.resources().forEach(r -> values.put(r.id(), r.value()));
        return values;
    }
}

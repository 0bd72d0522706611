package io.lwm2m.provisioning.bootstrap.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    private static final String SECRET = "a shared cluster secret";

    private static ClusterSettings settings(String nodeId, String podName, String secret, List<String> peers) {
        return new ClusterSettings(true, nodeId, podName, "127.0.0.1", 5784, secret, "", peers, Duration.ofSeconds(2));
    }

    @Test
    void takesTheNodeIdFromTheStatefulSetOrdinalOfThePodName() {
        assertThat(settings("", "release-lwm2m-provisioning-3", SECRET, List.of()).nodeId()).isEqualTo(3);
        assertThat(settings("", "provisioning-0", SECRET, List.of()).nodeId()).isZero();
    }

    @Test
    void anExplicitNodeIdWinsOverThePodName() {
        assertThat(settings("7", "provisioning-3", SECRET, List.of()).nodeId()).isEqualTo(7);
    }

    @Test
    void refusesNodeIdsThatDoNotFitTheConnectionIdByte() {
        assertThatThrownBy(() -> settings("256", "", SECRET, List.of())).hasMessageContaining("0..255");
        assertThatThrownBy(() -> settings("", "provisioning-300", SECRET, List.of())).hasMessageContaining("0..255");
        assertThatThrownBy(() -> settings("one", "", SECRET, List.of())).hasMessageContaining("provisioning.cluster.node-id");
        assertThatThrownBy(() -> settings("", "provisioning", SECRET, List.of()))
                .hasMessageContaining("POD_NAME ('provisioning') does not end with a StatefulSet ordinal");
    }

    @Test
    void refusesAMissingOrShortSecret() {
        assertThatThrownBy(() -> settings("0", "", "", List.of())).hasMessageContaining("provisioning.cluster.secret");
        assertThatThrownBy(() -> settings("0", "", "short", List.of())).hasMessageContaining("at least 16");
    }

    @Test
    void parsesStaticPeersAndRefusesMalformedOnes() {
        assertThat(settings("0", "", SECRET, List.of("10.0.0.2:5784", " [::1]:5785 ")).staticPeers())
                .containsExactly(InetSocketAddress.createUnresolved("10.0.0.2", 5784), InetSocketAddress.createUnresolved("::1", 5785));
        assertThatThrownBy(() -> settings("0", "", SECRET, List.of("10.0.0.2"))).hasMessageContaining("host:port");
        assertThatThrownBy(() -> settings("0", "", SECRET, List.of("10.0.0.2:99999"))).hasMessageContaining("1..65535");
    }

    @Test
    void theSecretBecomesA32BytePskAndNeverShowsInToString() {
        ClusterSettings settings = settings("2", "", SECRET, List.of());
        assertThat(settings.secretKey()).hasSize(32);
        assertThat(settings.toString()).doesNotContain(SECRET).contains("node 2");
    }

    @Test
    void disabledNeedsNothing() {
        ClusterSettings off = new ClusterSettings(false, "", "", "0.0.0.0", 5784, "", "", List.of(), Duration.ofSeconds(2));
        assertThat(off.enabled()).isFalse();
    }
}

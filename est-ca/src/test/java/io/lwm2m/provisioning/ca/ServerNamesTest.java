package io.lwm2m.provisioning.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The names an operator gives the server, as its certificates carry them. */
class ServerNamesTest {

    @Test
    void tellsDnsNamesFromIpLiterals() throws Exception {
        ServerNames names = ServerNames.parse(List.of("BS.Example.com", "10.0.0.5", "[2001:db8::1]", "fe80::2", " "), "p");

        assertThat(names.dnsNames()).containsExactly("bs.example.com");
        assertThat(names.ipAddresses()).containsExactly(InetAddress.getByName("10.0.0.5"), InetAddress.getByName("2001:db8::1"),
                InetAddress.getByName("fe80::2"));
        assertThat(names.onlyLocal()).isFalse();
    }

    @Test
    void refusesWhatIsNeitherNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> ServerNames.parse(List.of("bs_example.com"), "provisioning.x"))
                .withMessageContaining("provisioning.x").withMessageContaining("bs_example.com");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerNames.parse(List.of("999.1.1.1"), "p"))
                .withMessageContaining("not an IP address");
    }

    @Test
    void defaultsToTheHostnameAndForLocalhostToTheLoopbackAddresses() throws Exception {
        assertThat(ServerNames.forHost("bs.example.com", List.of(), "p").dnsNames()).containsExactly("bs.example.com");
        ServerNames local = ServerNames.forHost("localhost", null, "p");
        assertThat(local.dnsNames()).containsExactly("localhost");
        assertThat(local.ipAddresses()).containsExactly(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        assertThat(local.onlyLocal()).isTrue();
        assertThat(ServerNames.forHost("localhost", List.of("bs.example.com"), "p").onlyLocal()).isFalse();
    }

    @Test
    void comparesRegardlessOfOrder() {
        assertThat(ServerNames.parse(List.of("a.example", "10.0.0.1"), "p").sameAs(ServerNames.parse(List.of("10.0.0.1", "a.example"), "p")))
                .isTrue();
        assertThat(ServerNames.parse(List.of("a.example"), "p").sameAs(ServerNames.parse(List.of("b.example"), "p"))).isFalse();
    }
}

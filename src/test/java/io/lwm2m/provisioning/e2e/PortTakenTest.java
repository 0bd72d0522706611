package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.app.startup.StartupRefusedException;
import java.io.Closeable;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A port the server needs that something else holds fails the start before anything is started or
 * created, with one line naming the port and the property that moves it.
 */
class PortTakenTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"server.port, tcp", "management.server.port, tcp", "provisioning.est.https.port, tcp",
            "provisioning.coap.port, udp", "provisioning.coaps.port, udp"})
    void aTakenPortFailsTheStartWithOneLineNamingItsProperty(String property, String protocol) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Closeable holder = protocol.equals("udp") ? new DatagramSocket(0, loopback) : new ServerSocket(0, 1, loopback)) {
            int port = holder instanceof DatagramSocket udp ? udp.getLocalPort() : ((ServerSocket) holder).getLocalPort();
            Path dataDir = TestServer.newDataDir();
            int before = TestOutput.captured().length();

            assertThatThrownBy(() -> TestServer.start(dataDir, Map.of(property, port, "server.address", "127.0.0.1",
                    "management.server.address", "127.0.0.1")))
                    .isInstanceOf(StartupRefusedException.class)
                    .hasMessage("Port " + port + "/" + protocol + " on 127.0.0.1 (" + what(property) + ", " + property
                            + ") is already in use.");

            String report = TestOutput.captured().substring(before);
            assertThat(report).contains("APPLICATION FAILED TO START")
                    .contains("Port " + port + "/" + protocol + " on 127.0.0.1")
                    .contains("set " + property + " (environment variable "
                            + property.toUpperCase().replace('.', '_').replace('-', '_') + ")")
                    .doesNotContain("BindException").doesNotContain("\tat ");
            assertThat(dataDir.resolve("postgres")).as("nothing started").doesNotExist();
            assertThat(dataDir.resolve("kek")).as("nothing created").doesNotExist();
        }
    }

    private static String what(String property) {
        return Map.of("server.port", "the admin API", "management.server.port", "the management (actuator) port",
                "provisioning.est.https.port", "EST over HTTPS", "provisioning.coap.port", "CoAP",
                "provisioning.coaps.port", "CoAP over DTLS").get(property);
    }
}

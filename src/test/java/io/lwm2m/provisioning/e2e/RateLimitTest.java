package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;

/** A source that keeps failing handshakes or getting refused is blocked for a while; others are not. */
class RateLimitTest {

    @Test
    void aSourceThatKeepsFailingIsBlockedUntilItsWindowEnds() throws Exception {
        try (TestServer server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.bootstrap.max-failures-per-source", 3, "provisioning.bootstrap.failure-window", "12s"))) {
            String dm = Fixtures.server(server, "coaps://dm.example:5684", 1, 60, "U", "PSK", true);
            Fixtures.Device device = Fixtures.device(server, dm);
            byte[] wrongKey = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
            for (int i = 0; i < 3; i++) {
                try (RawCoapsDevice attacker = RawCoapsDevice.psk("flood-" + i, wrongKey, RawCoapsDevice.silent())) {
                    assertThat(attacker.bootstrapRequest(server.coaps(), true, "ep=x")).isNull();
                }
            }
            // Blocked: even a valid device from the same address gets no handshake now.
            try (RawCoapsDevice same = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
                assertThat(same.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint())).isNull();
            }
            Thread.sleep(12_500);
            try (RawCoapsDevice later = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
                assertThat(later.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
            }
        }
    }

    @Test
    void refusedRequestsCountToo() throws Exception {
        try (TestServer server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.bootstrap.max-failures-per-source", 2, "provisioning.bootstrap.failure-window", "60s"))) {
            String dm = Fixtures.server(server, "coaps://dm.example:5684", 1, 60, "U", "PSK", true);
            Fixtures.Device device = Fixtures.device(server, dm);
            try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=someone-else").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=someone-else").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint()).getCode())
                        .isEqualTo(ResponseCode.TOO_MANY_REQUESTS);
            }
        }
    }
}

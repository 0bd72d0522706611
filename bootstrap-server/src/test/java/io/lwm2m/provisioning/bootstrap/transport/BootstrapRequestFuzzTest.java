package io.lwm2m.provisioning.bootstrap.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.elements.AddressEndpointContext;

/**
 * Fuzzes the Bootstrap-Request's query ({@code POST /bs?ep=..&pct=..}, any number of any Uri-Query
 * values, as Californium hands them over). Invariants: parsing never throws; an {@code ep} that could
 * reach the database names no forbidden character and fits the endpoint column; a malformed request
 * says why; a {@code pct} is a content format number.
 */
class BootstrapRequestFuzzTest {

    private static final AddressEndpointContext PEER = new AddressEndpointContext(new InetSocketAddress("127.0.0.1", 5683));

    @FuzzTest(maxDuration = "5s")
    void aBootstrapRequestQueryIsParsedOrMalformedNeverThrown(FuzzedDataProvider data) {
        List<String> query = new ArrayList<>();
        int parameters = data.consumeInt(0, 6);
        for (int i = 0; i < parameters; i++) {
            query.add(data.consumeString(300));
        }

        BootstrapRequest request = BootstrapResource.parse(query, PEER);

        if (request.malformed() == null && request.endpoint() != null) {
            assertThat(PeerText.unusable(request.endpoint(), PeerText.MAX_ENDPOINT)).isNull();
        }
        if (request.endpoint() != null) {
            assertThat(request.endpoint().length()).isLessThanOrEqualTo(PeerText.MAX_ENDPOINT);
            assertThat(request.endpoint()).doesNotContain("\u0000");
        }
        if (request.malformed() == null && request.preferredContentFormat() != null) {
            assertThat(request.preferredContentFormat()).isBetween(0, 65535);
        }
        assertThat(request.identity()).isNull();
    }
}

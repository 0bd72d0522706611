package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.cli.device.client.DeviceStack;
import io.lwm2m.provisioning.cli.device.client.ServerTrust;
import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.DurationConverter;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What every simulated device of a command shares: the server it talks to, its LwM2M flavour, its DTLS settings. */
public final class ClientOptions {

    static final String SERVER_ENV = "PROVISIONING_BOOTSTRAP_URI";

    private final CliContext context;

    @Option(names = "--server", paramLabel = "URI", description = "The bootstrap server: coaps://host[:port], or coap:// for NoSec "
            + "(default: $" + SERVER_ENV + ", else coaps://localhost:5684).")
    private String server;

    @Option(names = "--lwm2m", paramLabel = "VERSION", defaultValue = "1.1", description = "The client's LwM2M version: 1.0 (no pct, "
            + "TLV), 1.1 (pct SenML-CBOR unless --format) or 1.2 (pct LwM2M-CBOR unless --format). Default: ${DEFAULT-VALUE}.")
    private String lwm2m;

    @Option(names = "--format", paramLabel = "FORMAT", description = "The Content-Format asked for: TLV, SENML_JSON, SENML_CBOR, "
            + "LWM2M_CBOR (1.2).")
    private String format;

    @Option(names = "--server-key", paramLabel = "FILE", description = "What the server must present in RPK and X.509 handshakes: "
            + "the JSON of GET /api/v1/bootstrap-server, or a PEM public key or certificate chain. Without it any server key is accepted.")
    private Path serverKey;

    @Option(names = "--cipher-suite", paramLabel = "NAME", split = ",", description = "Offer only these DTLS cipher suites "
            + "(e.g. TLS_PSK_WITH_AES_128_CCM_8); default: every suite the credentials allow.")
    private List<String> cipherSuites = new ArrayList<>();

    @Option(names = "--no-endpoint-name", description = "Leave ep= out of the Bootstrap-Request (LwM2M 1.1+: the credential names the device).")
    private boolean noEndpointName;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "A bootstrap not finished by then fails. Default: ${DEFAULT-VALUE}.")
    private Duration timeout;

    @Option(names = "--handshake-retransmissions", paramLabel = "N", defaultValue = "2", description = "DTLS flight "
            + "retransmissions (1 s, then doubling) before a handshake fails: a wrong key shows after about 7 s with 2. Default: ${DEFAULT-VALUE}.")
    private int handshakeRetransmissions;

    @Option(names = "--account-instance", paramLabel = "ID", defaultValue = "0", description = "The Security instance holding the "
            + "device's bootstrap-server account (Anjay keeps it at 1). Default: ${DEFAULT-VALUE}.")
    private int accountInstance;

    public ClientOptions(CliContext context) {
        this.context = context;
    }

    URI serverUri() {
        String value = server != null ? server : context.env(SERVER_ENV) != null ? context.env(SERVER_ENV) : "coaps://localhost:5684";
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--server " + value + " is no URI");
        }
    }

    boolean secure() {
        return "coaps".equals(serverUri().getScheme());
    }

    Flavour flavour(boolean pack) {
        return Flavour.of(lwm2m, format, pack);
    }

    int accountInstance() {
        return accountInstance;
    }

    ServerTrust trust() throws IOException {
        if (serverKey == null) {
            return ServerTrust.ANY;
        }
        String text = Files.readString(serverKey);
        if (text.trim().startsWith("{")) {
            JsonNode identity = JsonMapper.builder().build().readTree(text);
            if (!identity.has("publicKey") || !identity.has("certificateChain")) {
                throw new IllegalArgumentException(serverKey + " is no answer of GET /api/v1/bootstrap-server (publicKey, certificateChain)");
            }
            return new ServerTrust(Pem.parsePublicKey(identity.get("publicKey").asString()),
                    Pem.parseCertificates(identity.get("certificateChain").asString()));
        }
        return text.contains("CERTIFICATE") ? ServerTrust.certificates(Pem.parseCertificates(text))
                : ServerTrust.publicKey(Pem.parsePublicKey(text));
    }

    /** The stack settings for these options, asking for {@code flavour}'s format. */
    DeviceStack.Settings settings(Flavour flavour) throws IOException {
        if (noEndpointName && flavour.version() == io.lwm2m.provisioning.cli.device.client.SimulatedClient.Version.V1_0) {
            throw new IllegalArgumentException("--no-endpoint-name needs --lwm2m 1.1 or 1.2: a 1.0 client always names its endpoint");
        }
        if (handshakeRetransmissions < 1) {
            throw new IllegalArgumentException("--handshake-retransmissions must be at least 1");
        }
        List<CipherSuite> suites = new ArrayList<>();
        for (String name : cipherSuites) {
            CipherSuite suite = CipherSuite.getTypeByName(name.trim());
            if (suite == null || !suite.isSupported()) {
                throw new IllegalArgumentException("--cipher-suite " + name + " is not a DTLS 1.2 cipher suite this client supports");
            }
            suites.add(suite);
        }
        return new DeviceStack.Settings(DeviceStack.Settings.address(serverUri()), secure(), suites, timeout.toMillis(), flavour.pct(),
                !noEndpointName, handshakeRetransmissions, trust());
    }
}

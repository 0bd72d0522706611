package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.cli.device.client.DeviceCredentials;
import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One device's endpoint and bootstrap credentials: from the answer of {@code POST /api/v1/devices}
 * ({@code --from}), or given one by one (PSK identity and hex key; RPK private key, public key
 * optional; X.509 certificate and private key, PEM files).
 */
public final class DeviceInput {

    @Option(names = "--from", paramLabel = "FILE", description = "The JSON answer of POST /api/v1/devices (endpoint and "
            + "bootstrapCredential with its secrets).")
    private Path from;

    @Option(names = "--endpoint", paramLabel = "NAME", description = "The endpoint name (ep=); overrides the one in --from.")
    private String endpoint;

    @Option(names = "--psk-identity", paramLabel = "ID", description = "PSK identity.")
    private String pskIdentity;

    @Option(names = "--psk-key", paramLabel = "HEX", description = "PSK key, hexadecimal (put it in an @argument file to keep it "
            + "out of the shell history).")
    private String pskKey;

    @Option(names = "--private-key", paramLabel = "PEM", description = "The device's private key (RPK, or X.509 with --certificate).")
    private Path privateKey;

    @Option(names = "--public-key", paramLabel = "PEM", description = "RPK: the device's public key (default: computed from the private key).")
    private Path publicKey;

    @Option(names = "--certificate", paramLabel = "PEM", description = "X.509: the device's certificate (chain).")
    private Path certificate;

    /** The device; NoSec when nothing is given and the server is {@code coap://}. */
    DeviceIdentity device(boolean secure) throws IOException {
        JsonNode created = from == null ? null : JsonMapper.builder().build().readTree(Files.readString(from));
        String name = endpoint != null ? endpoint : created != null && created.has("endpoint") ? created.get("endpoint").asString() : null;
        if (name == null) {
            throw new IllegalArgumentException("name the device: --endpoint, or --from with the answer of POST /api/v1/devices");
        }
        DeviceCredentials credentials = created != null ? credentialsOf(created) : fromOptions(secure);
        return new DeviceIdentity(name, credentials);
    }

    private DeviceCredentials fromOptions(boolean secure) throws IOException {
        if (pskIdentity != null || pskKey != null) {
            if (pskIdentity == null || pskKey == null) {
                throw new IllegalArgumentException("a PSK device needs both --psk-identity and --psk-key");
            }
            return new DeviceCredentials.Psk(pskIdentity, Keys.pskKey(pskKey));
        }
        if (privateKey != null) {
            PrivateKey key = Pem.parsePrivateKey(Files.readString(privateKey));
            if (certificate != null) {
                return new DeviceCredentials.X509(key, Pem.parseCertificates(Files.readString(certificate)));
            }
            return new DeviceCredentials.Rpk(key, publicKey != null ? Pem.parsePublicKey(Files.readString(publicKey)) : Keys.publicKeyOf(key));
        }
        if (certificate != null) {
            throw new IllegalArgumentException("an X.509 device needs --private-key with --certificate");
        }
        if (secure) {
            throw new IllegalArgumentException("give the device's credentials: --from, --psk-identity/--psk-key, --private-key "
                    + "[--public-key] (RPK) or --certificate/--private-key (X.509); coap:// for NoSec");
        }
        return new DeviceCredentials.NoSec();
    }

    /** The bootstrap credentials in the answer of {@code POST /api/v1/devices} (PSK key, RPK or X.509 private key). */
    public static DeviceCredentials credentialsOf(JsonNode created) {
        JsonNode credential = created.get("bootstrapCredential");
        if (credential == null || !credential.has("mode")) {
            throw new IllegalArgumentException("--from: no bootstrapCredential in the file (the answer of POST /api/v1/devices)");
        }
        String mode = credential.get("mode").asString();
        return switch (mode) {
            case "PSK" -> {
                if (!credential.has("key")) {
                    throw new IllegalArgumentException("--from: the PSK credential has no key (a supplied key is not in the answer): "
                            + "give --psk-identity and --psk-key");
                }
                yield new DeviceCredentials.Psk(credential.get("identity").asString(), Keys.pskKey(credential.get("key").asString()));
            }
            case "RPK", "X509" -> {
                if (!credential.has("privateKey")) {
                    throw new IllegalArgumentException("--from: the " + mode + " credential has no privateKey (the factory holds it): "
                            + "give --private-key" + (mode.equals("X509") ? " and --certificate" : ""));
                }
                PrivateKey key = Pem.parsePrivateKey(credential.get("privateKey").asString());
                yield mode.equals("RPK") ? new DeviceCredentials.Rpk(key, Pem.parsePublicKey(credential.get("publicKey").asString()))
                        : new DeviceCredentials.X509(key, Pem.parseCertificates(credential.get("certificate").asString()));
            }
            case "NOSEC" -> new DeviceCredentials.NoSec();
            default -> throw new IllegalArgumentException("--from: bootstrap mode " + mode + " cannot be simulated");
        };
    }

}

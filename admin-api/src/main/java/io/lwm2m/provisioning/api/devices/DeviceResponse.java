package io.lwm2m.provisioning.api.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.api.Pems;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.devices.CredentialView;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSummary;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import io.lwm2m.provisioning.ca.Pem;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A device as the API shows it. Secret fields ({@code key}, {@code privateKey}) are filled only in
 * the response that created the credential; every read leaves them out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceResponse(String endpoint, String state, String profile, List<String> servers, Instant createdAt, Instant updatedAt,
        Credential bootstrapCredential, List<Credential> pendingBootstrapCredentials, List<Credential> serverCredentials,
        List<String> labels) {

    /**
     * One credential. {@code key}: the PSK key (hex); {@code privateKey}: PKCS#8 PEM; {@code publicKey}
     * and {@code certificate}: PEM.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credential(Long id, String server, String mode, String identity, String key, String privateKey,
            String publicKey, String certificate, String certificateSerial, String status, Instant createdAt) {

        public static Credential of(CredentialView c) {
            return new Credential(c.id(), c.server(), c.mode().name(), c.identity(), null, null, Pems.publicKey(c.publicKey()),
                    Pems.certificate(c.certificate()), c.certificateSerial(), c.status().name(), c.createdAt());
        }

        /** The same credential with the secrets generated for it, for the creating response only. */
        public static Credential withSecrets(Credential c, NewCredential issued) {
            if (issued == null) {
                return c;
            }
            String key = issued.pskKey() == null ? null : HexFormat.of().formatHex(issued.pskKey());
            String privateKey = issued.keyPair() == null ? null : Pem.privateKey(issued.keyPair().getPrivate());
            return new Credential(c.id(), c.server(), c.mode(), c.identity(), key, privateKey, c.publicKey(), c.certificate(),
                    c.certificateSerial(), c.status(), c.createdAt());
        }

        @Override
        public String toString() {
            return "Credential[" + id + ", " + server + ", " + mode + ", " + identity + "]";
        }
    }

    static DeviceResponse of(DeviceView device) {
        List<Credential> bootstrap = device.bootstrapCredentials().stream().map(Credential::of).toList();
        return new DeviceResponse(device.endpoint(), device.state().name(), device.profile(), device.servers(), device.createdAt(),
                device.updatedAt(), bootstrap.stream().filter(c -> c.status().equals("ACTIVE")).findFirst().orElse(null),
                nullIfEmpty(bootstrap.stream().filter(c -> c.status().equals("PENDING")).toList()),
                device.serverCredentials().stream().map(Credential::of).toList(), nullIfEmpty(device.labels()));
    }

    /** A device in a list: no credentials. */
    static DeviceResponse of(DeviceSummary device) {
        return new DeviceResponse(device.endpoint(), device.state().name(), device.profile(), null, device.createdAt(),
                device.updatedAt(), null, null, null, nullIfEmpty(device.labels()));
    }

    /** The creating response: the device, plus the secrets that were generated or supplied. */
    static DeviceResponse created(DeviceRegistration registration) {
        DeviceResponse device = of(registration.device());
        return new DeviceResponse(device.endpoint(), device.state(), device.profile(), device.servers(), device.createdAt(), device.updatedAt(),
                Credential.withSecrets(device.bootstrapCredential(), registration.bootstrapCredential().credential()),
                null,
                device.serverCredentials().stream().map(c -> Credential.withSecrets(c, registration.serverCredentials().stream()
                        .filter(i -> i.credentialId() == c.id()).map(IssuedCredential::credential).findFirst().orElse(null)))
                        .toList(), device.labels());
    }

    private static <T> List<T> nullIfEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }
}

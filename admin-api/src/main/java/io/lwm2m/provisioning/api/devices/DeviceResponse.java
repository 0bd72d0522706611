package io.lwm2m.provisioning.api.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.devices.CredentialView;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A device as the API shows it. {@code key} fields are filled only in the response that created
 * the credential; every read leaves them out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceResponse(String endpoint, String state, List<String> servers, Instant createdAt, Instant updatedAt,
        Credential bootstrapCredential, List<Credential> serverCredentials) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Credential(String server, String mode, String identity, String key, String status, Instant createdAt) {

        @Override
        public String toString() {
            return "Credential[" + server + ", " + mode + ", " + identity + "]";
        }
    }

    static DeviceResponse of(DeviceView device) {
        return new DeviceResponse(device.endpoint(), device.state().name(), device.servers(), device.createdAt(),
                device.updatedAt(), device.bootstrapCredentials().stream().findFirst().map(DeviceResponse::credential).orElse(null),
                device.serverCredentials().stream().map(DeviceResponse::credential).toList());
    }

    /** The creating response: the device, plus the secrets that were generated or supplied. */
    static DeviceResponse created(DeviceRegistration registration) {
        DeviceResponse device = of(registration.device());
        return new DeviceResponse(device.endpoint(), device.state(), device.servers(), device.createdAt(), device.updatedAt(),
                withSecret(device.bootstrapCredential(), registration.bootstrapCredential()),
                device.serverCredentials().stream().map(c -> withSecret(c, registration.serverCredentials().stream()
                        .filter(i -> i.server().equals(c.server())).findFirst().orElse(null))).toList());
    }

    private static Credential credential(CredentialView c) {
        return new Credential(c.server(), c.mode().name(), c.identity(), null, c.status().name(), c.createdAt());
    }

    private static Credential withSecret(Credential c, IssuedCredential issued) {
        if (issued == null || issued.key() == null) {
            return c;
        }
        return new Credential(c.server(), c.mode(), c.identity(), HexFormat.of().formatHex(issued.key()), c.status(), c.createdAt());
    }
}

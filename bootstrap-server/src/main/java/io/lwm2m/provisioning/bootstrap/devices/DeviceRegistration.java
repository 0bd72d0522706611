package io.lwm2m.provisioning.bootstrap.devices;

import java.util.List;

/** The result of registering a device: the device and, once only, its secrets. */
public record DeviceRegistration(DeviceView device, IssuedCredential bootstrapCredential,
        List<IssuedCredential> serverCredentials) {
}

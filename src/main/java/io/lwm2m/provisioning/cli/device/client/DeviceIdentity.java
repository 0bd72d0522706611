package io.lwm2m.provisioning.cli.device.client;

/** A registered device as it introduces itself: its endpoint name and its bootstrap credentials. */
public record DeviceIdentity(String endpoint, DeviceCredentials credentials) {
}

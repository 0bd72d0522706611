package io.lwm2m.provisioning.bootstrap.devices;

/** A device a fleet selector picked: its id (the order of a fleet job) and endpoint. */
public record SelectedDevice(long id, String endpoint) {
}

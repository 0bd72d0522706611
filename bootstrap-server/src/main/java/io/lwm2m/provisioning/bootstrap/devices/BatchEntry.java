package io.lwm2m.provisioning.bootstrap.devices;

/** One device of a bulk registration, with the line of the upload it came from. */
public record BatchEntry(long line, NewDevice device) {
}

package io.lwm2m.provisioning.bootstrap.devices;

/**
 * Whether a device may bootstrap (and enroll): only ACTIVE ones may. DISABLED is reversible;
 * DELETED is a tombstone: its credentials are revoked and its endpoint stays taken, so its history
 * keeps naming one device.
 */
public enum DeviceState { ACTIVE, DISABLED, DELETED }

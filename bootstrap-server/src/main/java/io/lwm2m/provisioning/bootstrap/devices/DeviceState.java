package io.lwm2m.provisioning.bootstrap.devices;

/** Whether a device may bootstrap. */
public enum DeviceState { ACTIVE, DISABLED }

package io.lwm2m.provisioning.bootstrap.servers;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;

/** A validated DM server definition to store. */
public record NewDmServer(String name, String uri, int shortServerId, int lifetime, String binding,
        SecurityMode securityMode, boolean notificationStoring) {
}

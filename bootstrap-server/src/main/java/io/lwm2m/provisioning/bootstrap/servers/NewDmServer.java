package io.lwm2m.provisioning.bootstrap.servers;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;

/**
 * A validated DM server definition to store. {@code serverPublicKey} (SubjectPublicKeyInfo DER) is
 * set for RPK, {@code serverCertificate} (DER) for X509 and EST; both null otherwise.
 */
public record NewDmServer(String name, String uri, int shortServerId, int lifetime, String binding,
        SecurityMode securityMode, boolean notificationStoring, byte[] serverPublicKey, byte[] serverCertificate,
        String rotationWebhookUrl) {

    public NewDmServer(String name, String uri, int shortServerId, int lifetime, String binding,
            SecurityMode securityMode, boolean notificationStoring) {
        this(name, uri, shortServerId, lifetime, binding, securityMode, notificationStoring, null, null, null);
    }
}

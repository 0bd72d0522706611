package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventTypes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The events of a credential's life, in its device's stream. A DM-server credential's events name
 * the DM server, so that its rotation webhook (a subscription of {@code credential.rotated} for that
 * server) receives them: {@code endpoint}, {@code server}, {@code credentialId} as before, now as a
 * CloudEvent's data.
 */
public final class CredentialEvents {

    private CredentialEvents() {
    }

    /** A new credential was stored PENDING beside the active one (ACTIVE when none was left). */
    public static Event rotated(String endpoint, DeviceCredential credential, String server, String actor) {
        Map<String, Object> data = facts(endpoint, credential, server);
        data.put("status", credential.status().name());
        data.put("rotatedBy", actor);
        return Event.ofDevice(EventTypes.CREDENTIAL_ROTATED, endpoint, server, data);
    }

    /** A pending credential became the active one. */
    public static Event confirmed(String endpoint, DeviceCredential credential, String server, String why) {
        Map<String, Object> data = facts(endpoint, credential, server);
        data.put("reason", why);
        return Event.ofDevice(EventTypes.CREDENTIAL_CONFIRMED, endpoint, server, data);
    }

    /** A credential was revoked. */
    public static Event revoked(String endpoint, DeviceCredential credential, String server, int reasonCode, String actor) {
        Map<String, Object> data = facts(endpoint, credential, server);
        data.put("reason", reasonCode);
        data.put("revokedBy", actor);
        return Event.ofDevice(EventTypes.CREDENTIAL_REVOKED, endpoint, server, data);
    }

    private static Map<String, Object> facts(String endpoint, DeviceCredential credential, String server) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint", endpoint);
        data.put("credentialId", credential.id());
        data.put("channel", credential.channel().name());
        data.put("server", server);
        data.put("mode", credential.mode().name());
        if (credential.pskIdentity() != null) {
            data.put("pskIdentity", credential.pskIdentity());
        }
        if (credential.certificateSerial() != null) {
            data.put("certificateSerial", credential.certificateSerial());
        }
        return data;
    }
}

package io.lwm2m.provisioning.api.servers;

import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import java.time.Instant;

/** A DM server definition as the API shows it. */
public record ServerResponse(String name, String uri, int shortServerId, int lifetime, String binding,
        String securityMode, boolean notificationStoring, Instant createdAt) {

    static ServerResponse of(DmServer s) {
        return new ServerResponse(s.name(), s.uri(), s.shortServerId(), s.lifetime(), s.binding(),
                s.securityMode().name(), s.notificationStoring(), s.createdAt());
    }
}

package io.lwm2m.provisioning.api.servers;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.api.Pems;
import java.time.Instant;

/** A DM server definition as the API shows it (its public key or certificate as PEM). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerResponse(String name, String uri, int shortServerId, int lifetime, String binding,
        String securityMode, boolean notificationStoring, String serverPublicKey, String serverCertificate,
        String rotationWebhookUrl, String rotationWebhookSecret, Instant createdAt) {

    static ServerResponse of(DmServer s) {
        return of(s, null);
    }

    /** With the rotation webhook's signing secret: only the answer that created the server shows it. */
    static ServerResponse of(DmServer s, String rotationWebhookSecret) {
        return new ServerResponse(s.name(), s.uri(), s.shortServerId(), s.lifetime(), s.binding(),
                s.securityMode().name(), s.notificationStoring(), Pems.publicKey(s.serverPublicKey()),
                Pems.certificate(s.serverCertificate()), s.rotationWebhookUrl(), rotationWebhookSecret, s.createdAt());
    }
}

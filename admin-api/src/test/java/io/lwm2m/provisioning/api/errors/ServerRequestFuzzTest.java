package io.lwm2m.provisioning.api.errors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.api.servers.ServerRequest;
import io.lwm2m.provisioning.bootstrap.servers.NewDmServer;
import io.lwm2m.provisioning.errors.InputText;

/** Fuzzes {@code POST /api/v1/servers} bodies: refused as documented, or a server that fits its columns. */
class ServerRequestFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void aServerBodyIsRefusedOrStorable(byte[] body) {
        NewDmServer server = RequestBodies.accept(body, ServerRequest.class, ServerRequest::validate);
        if (server == null) {
            return;
        }
        RequestBodies.require(server.name().length() <= 64 && InputText.lineProblem(server.name()) == null, "name", server.name());
        RequestBodies.require(server.uri().length() <= 255 && InputText.lineProblem(server.uri()) == null, "uri", server.uri());
        RequestBodies.require(server.binding().length() <= 8, "binding", server.binding());
        RequestBodies.require(server.shortServerId() >= 1 && server.shortServerId() <= 65534, "short server id", server);
        RequestBodies.require(server.rotationWebhookUrl() == null || server.rotationWebhookUrl().length() <= 512, "webhook", server);
    }
}

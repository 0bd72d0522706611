package io.lwm2m.provisioning.api.servers;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/servers}: the DM servers devices are bootstrapped to. Defined by security officers; read by every role. */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/servers")
class ServersController {

    private final DmServerService servers;

    ServersController(DmServerService servers) {
        this.servers = servers;
    }

    @PostMapping
    @Operation(id = "createServer", summary = "Define a DM server", success = 201, errors = 409)
    ResponseEntity<ServerResponse> create(@RequestBody ServerRequest body, HttpServletRequest request) {
        DmServerService.Created created = servers.create(body.validate(), ApiActors.current(request));
        DmServer server = created.server();
        ResponseEntity.BodyBuilder answer = ResponseEntity.created(URI.create("/api/v1/servers/" + server.name()));
        if (created.rotationWebhookSecret() != null) {
            answer.cacheControl(org.springframework.http.CacheControl.noStore());
        }
        return answer.body(ServerResponse.of(server, created.rotationWebhookSecret()));
    }

    /** The servers by name, a page at a time. */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listServers", summary = "List the DM servers by name")
    ResponseEntity<List<ServerResponse>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return Pages.ofAll(servers.list().stream().map(ServerResponse::of).toList(), limit, cursor, ServerResponse::name);
    }

    @GetMapping("/{name}")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getServer", summary = "Read a DM server")
    ServerResponse get(@PathVariable String name) {
        return ServerResponse.of(servers.get(name));
    }
}

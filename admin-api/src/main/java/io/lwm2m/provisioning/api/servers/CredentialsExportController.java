package io.lwm2m.provisioning.api.servers;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.Pems;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.ServerCredentialExport;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/servers/{name}/credentials-export}: the credentials a DM server needs to accept
 * its devices, streamed as JSON. {@code format=json} (default) lists every live credential with its
 * status; {@code format=leshan} is an array of Leshan server security infos (the shape of Leshan's
 * {@code /api/security/clients}), ACTIVE credentials only, one per device.
 */
@RestController
class CredentialsExportController {

    private final ServerCredentialExport export;
    private final JsonMapper json;

    CredentialsExportController(ServerCredentialExport export, JsonMapper json) {
        this.export = export;
        this.json = json;
    }

    @GetMapping("/api/v1/servers/{name}/credentials-export")
    @PreAuthorize("hasAnyRole('SECURITY_OFFICER','ADMIN')")
    @Operation(id = "exportServerCredentials", summary = "Stream every live credential devices hold for this DM server")
    void export(@PathVariable String name, @RequestParam(defaultValue = "json") String format, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        boolean leshan = switch (format) {
            case "json" -> false;
            case "leshan" -> true;
            default -> throw new InvalidInputException("format", "must be 'json' or 'leshan'");
        };
        export.checkServer(name);
        Actor actor = ApiActors.current(request);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
        try (JsonGenerator out = json.createGenerator(response.getOutputStream())) {
            if (leshan) {
                out.writeStartArray();
            } else {
                out.writeStartObject();
                out.writeStringProperty("server", name);
                out.writeStringProperty("exportedAt", Instant.now().toString());
                out.writeArrayPropertyStart("credentials");
            }
            export.export(name, actor, c -> {
                if (leshan) {
                    if (c.status() == CredentialStatus.ACTIVE) {
                        writeLeshan(out, c);
                    }
                } else {
                    writeOurs(out, c);
                }
            });
            out.writeEndArray();
            if (!leshan) {
                out.writeEndObject();
            }
        }
    }

    private static void writeOurs(JsonGenerator out, ServerCredentialExport.ExportedCredential c) {
        out.writeStartObject();
        out.writeStringProperty("endpoint", c.endpoint());
        out.writeNumberProperty("credentialId", c.credentialId());
        out.writeStringProperty("status", c.status().name());
        out.writeStringProperty("mode", c.mode().name());
        if (c.pskIdentity() != null) {
            out.writeStringProperty("identity", c.pskIdentity());
        }
        if (c.key() != null) {
            out.writeStringProperty("key", HexFormat.of().formatHex(c.key()));
        }
        if (c.publicKey() != null) {
            out.writeStringProperty("publicKey", Pems.publicKey(c.publicKey()));
        }
        if (c.certificate() != null) {
            out.writeStringProperty("certificate", Pems.certificate(c.certificate()));
        }
        out.writeEndObject();
    }

    /** {"endpoint":…,"tls":{"mode":"psk","details":{"identity":…,"key":hex}}}, rpk with the hex SubjectPublicKeyInfo, x509 bare. */
    private static void writeLeshan(JsonGenerator out, ServerCredentialExport.ExportedCredential c) {
        if (c.mode() != SecurityMode.PSK && c.mode() != SecurityMode.RPK && c.mode() != SecurityMode.X509) {
            return;
        }
        out.writeStartObject();
        out.writeStringProperty("endpoint", c.endpoint());
        out.writeObjectPropertyStart("tls");
        out.writeStringProperty("mode", c.mode().name().toLowerCase());
        if (c.mode() == SecurityMode.PSK) {
            out.writeObjectPropertyStart("details");
            out.writeStringProperty("identity", c.pskIdentity());
            out.writeStringProperty("key", HexFormat.of().formatHex(c.key()));
            out.writeEndObject();
        } else if (c.mode() == SecurityMode.RPK) {
            out.writeObjectPropertyStart("details");
            out.writeStringProperty("key", HexFormat.of().formatHex(c.publicKey()));
            out.writeEndObject();
        }
        out.writeEndObject();
        out.writeEndObject();
    }
}

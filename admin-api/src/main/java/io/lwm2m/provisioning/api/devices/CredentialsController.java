package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.RevocationReasons;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.devices.DeviceCredentials;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/devices/{endpoint}/credentials}: rotation without lockout, confirmation, revocation (security officers). */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/devices/{endpoint}/credentials")
class CredentialsController {

    private final DeviceCredentials credentials;

    CredentialsController(DeviceCredentials credentials) {
        this.credentials = credentials;
    }

    /**
     * {@code {"target":"bootstrap"}} or {@code {"target":"server","server":"dm-1"}}: creates the new
     * credential as PENDING beside the active one and returns its secrets, once.
     */
    @PostMapping("/rotate")
    @Operation(id = "rotateCredential", summary = "Rotate a credential: the new one is PENDING beside the active one; its secrets, once", success = 201, errors = 409)
    ResponseEntity<DeviceResponse.Credential> rotate(@PathVariable String endpoint, @RequestBody TargetRequest body,
            HttpServletRequest request) {
        DeviceCredentials.Rotation rotation = credentials.rotate(endpoint, body.target(), body.server(),
                ApiActors.current(request));
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(DeviceResponse.Credential.withSecrets(DeviceResponse.Credential.of(rotation.stored()),
                        rotation.issued().credential()));
    }

    /** The DM server side confirms the device uses its pending credential: it becomes active, the old one retires. */
    @PostMapping("/{credentialId}/confirm")
    @Operation(id = "confirmCredential", summary = "Confirm that the device uses its pending credential; the old one retires", errors = 409)
    DeviceResponse confirm(@PathVariable String endpoint, @PathVariable long credentialId, HttpServletRequest request) {
        return DeviceResponse.of(credentials.confirm(endpoint, credentialId, ApiActors.current(request)));
    }

    /**
     * {@code {"target":"bootstrap"|"server"|"all","server":"dm-1","reason":"keyCompromise"}}: the
     * credentials stop authenticating at once; their certificates go into the next CRL.
     */
    @PostMapping("/revoke")
    @Operation(id = "revokeCredentials", summary = "Revoke credentials of a device at once (into the CRL, connections dropped)", errors = 409)
    List<DeviceResponse.Credential> revoke(@PathVariable String endpoint, @RequestBody TargetRequest body,
            HttpServletRequest request) {
        int reason = RevocationReasons.code(body.reason(), RevocationReasons.CREDENTIAL);
        return credentials.revoke(endpoint, body.target(), body.server(), reason, ApiActors.current(request))
                .stream().map(DeviceResponse.Credential::of).toList();
    }

    record TargetRequest(@Required String target, String server, String reason) {
    }
}

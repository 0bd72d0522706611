package io.lwm2m.provisioning.api.secrets;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.crypto.KekRotation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/secrets}: key-encryption key rotation without downtime. Security officers; auditors read the status. */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/secrets")
class SecretsController {

    private final KekRotation rotation;

    SecretsController(KekRotation rotation) {
        this.rotation = rotation;
    }

    /** The current KEK version and how many rows each module still has under an older one. */
    @GetMapping("/kek")
    @PreAuthorize(Roles.AUDIT)
    @Operation(id = "getKekStatus", summary = "The current KEK version and the rows still sealed under older ones")
    KekStatus status() {
        return new KekStatus(rotation.currentVersion(), rotation.pending());
    }

    /** Re-wraps every sealed secret under the current KEK; safe to run while devices bootstrap. */
    @PostMapping("/rewrap")
    @Operation(id = "rewrapSecrets", summary = "Re-wrap every sealed secret under the current KEK")
    RewrapResult rewrap(HttpServletRequest request) {
        return new RewrapResult(rotation.currentVersion(), rotation.rewrapAll(ApiActors.current(request)));
    }

    record KekStatus(int currentVersion, Map<String, Long> notCurrent) {
    }

    record RewrapResult(int currentVersion, Map<String, Long> rewrapped) {
    }
}

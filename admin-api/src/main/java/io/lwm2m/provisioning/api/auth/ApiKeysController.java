package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.api.openapi.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/api-keys}: admins create keys of any role (the key is shown once, in the 201),
 * list them (never the key) and revoke them (the row stays, the key stops working at once).
 */
@RestController
@RequestMapping("/api/v1/api-keys")
@PreAuthorize(Roles.ADMIN)
class ApiKeysController {

    private final ApiKeyService keys;

    ApiKeysController(ApiKeyService keys) {
        this.keys = keys;
    }

    /** {@code {"name":"line-7","role":"operator","expiresAt":"2027-01-01T00:00:00Z"}} (expiresAt optional). */
    @PostMapping
    @Operation(id = "createApiKey", summary = "Create an API key; the key is in this answer only", success = 201)
    ResponseEntity<KeyResponse> create(@RequestBody KeyRequest body, HttpServletRequest request) {
        Role role = null;
        if (body.role() != null) {
            role = Role.fromName(body.role()).orElseThrow(() -> new InvalidInputException("role",
                    "must be one of " + List.of(Role.values()).stream().map(Role::apiName).toList()));
        }
        ApiKeyService.CreatedKey created = keys.create(body.name(), role, body.expiresAt(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/api-keys/" + created.stored().id()))
                .cacheControl(CacheControl.noStore())
                .body(KeyResponse.of(created.stored(), created.key()));
    }

    /** Every key, revoked and expired ones included, oldest first, a page at a time. */
    @GetMapping
    @Operation(id = "listApiKeys", summary = "List the API keys (never the keys themselves)")
    ResponseEntity<List<KeyResponse>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        return Pages.of(keys.list(Pages.longKey(cursor, 0), size + 1), size, k -> k.id().toString(),
                k -> KeyResponse.of(k, null));
    }

    @GetMapping("/{id}")
    @Operation(id = "getApiKey", summary = "Read an API key's record")
    KeyResponse get(@PathVariable long id) {
        return KeyResponse.of(keys.get(id), null);
    }

    /** Revokes the key; 409 for the last valid admin key. */
    @DeleteMapping("/{id}")
    @Operation(id = "revokeApiKey", summary = "Revoke an API key at once", errors = 409)
    KeyResponse revoke(@PathVariable long id, HttpServletRequest request) {
        return KeyResponse.of(keys.revoke(id, ApiActors.current(request)), null);
    }

    record KeyRequest(@Required String name, @Required String role, Instant expiresAt) {
    }

    /** A key as the API shows it; {@code key} only in the creating response. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyResponse(long id, String name, String role, String prefix, String key, Instant createdAt, String createdBy,
            Instant expiresAt, Instant revokedAt, String revokedBy, String status) {

        static KeyResponse of(ApiKey k, String key) {
            Instant now = Instant.now();
            String status = k.revokedAt() != null ? "REVOKED" : k.validAt(now) ? "ACTIVE" : "EXPIRED";
            return new KeyResponse(k.id(), k.name(), k.role().apiName(), k.keyPrefix(), key, k.createdAt(), k.createdBy(),
                    k.expiresAt(), k.revokedAt(), k.revokedBy(), status);
        }

        @Override
        public String toString() {
            return "KeyResponse[" + id + ", " + name + ", " + role + "]";
        }
    }
}

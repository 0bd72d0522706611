package io.lwm2m.provisioning.api.profiles;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.api.openapi.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/profiles}: bootstrap templates. Reads carry an {@code ETag} (the version); an update
 * with a stale {@code If-Match} gets 412. Managed by security officers; read by every role.
 */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/profiles")
class ProfilesController {

    private final ProfileService profiles;

    ProfilesController(ProfileService profiles) {
        this.profiles = profiles;
    }

    @PostMapping
    @Operation(id = "createProfile", summary = "Create a bootstrap profile", success = 201, errors = 409)
    ResponseEntity<ProfileResponse> create(@RequestBody ProfileRequest body, HttpServletRequest request) {
        Profile profile = profiles.create(body.name(), body.description(), body.definition(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/profiles/" + profile.name())).eTag(etag(profile))
                .body(ProfileResponse.of(profile));
    }

    /** The profiles by name, a page at a time. */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listProfiles", summary = "List the bootstrap profiles by name")
    ResponseEntity<List<ProfileResponse>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return Pages.ofAll(profiles.list().stream().map(ProfileResponse::of).toList(), limit, cursor, ProfileResponse::name);
    }

    @GetMapping("/{name}")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getProfile", summary = "Read a bootstrap profile; the ETag is its version")
    ResponseEntity<ProfileResponse> get(@PathVariable String name) {
        Profile profile = profiles.get(name);
        return ResponseEntity.ok().eTag(etag(profile)).body(ProfileResponse.of(profile));
    }

    @PutMapping("/{name}")
    @Operation(id = "updateProfile", summary = "Replace a profile's description and definition (If-Match: its ETag)", errors = {409, 412})
    ResponseEntity<ProfileResponse> update(@PathVariable String name, @RequestBody ProfileRequest body,
            @RequestHeader(value = "If-Match", required = false) String ifMatch, HttpServletRequest request) {
        if (body.name() != null && !body.name().equals(name)) {
            throw new InvalidInputException("name", "cannot change; create a new profile instead");
        }
        Profile profile = profiles.update(name, version(ifMatch), body.description(), body.definition(),
                ApiActors.current(request));
        return ResponseEntity.ok().eTag(etag(profile)).body(ProfileResponse.of(profile));
    }

    @DeleteMapping("/{name}")
    @Operation(id = "deleteProfile", summary = "Delete a profile no device uses", success = 204, errors = 409)
    ResponseEntity<Void> delete(@PathVariable String name, HttpServletRequest request) {
        profiles.delete(name, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    private static String etag(Profile profile) {
        return "\"" + profile.version() + "\"";
    }

    private static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.equals("*")) {
            return null;
        }
        try {
            return Long.parseLong(ifMatch.replace("W/", "").replace("\"", "").trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("If-Match", "must be an ETag of this profile, as its GET returned it");
        }
    }

    record ProfileRequest(String name, String description, @Required ProfileDefinition definition) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProfileResponse(String name, String description, ProfileDefinition definition, long version, Instant createdAt,
            Instant updatedAt) {

        static ProfileResponse of(Profile p) {
            return new ProfileResponse(p.name(), p.description(), ProfileService.definition(p), p.version(), p.createdAt(),
                    p.updatedAt());
        }
    }
}

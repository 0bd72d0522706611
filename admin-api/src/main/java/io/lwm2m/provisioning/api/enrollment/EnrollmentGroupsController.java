package io.lwm2m.provisioning.api.enrollment;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.bootstrap.enrollment.EnrollmentGroups;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/enrollment-groups}: zero-touch enrollment (issue 17). Security officers create,
 * change and remove groups and derive a symmetric-key group's device keys; every role reads them and
 * what they admitted or refused (never a key).
 */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/enrollment-groups")
class EnrollmentGroupsController {

    private static final Set<String> OUTCOMES = Set.of("ADMITTED", "REFUSED");

    private final EnrollmentGroups groups;

    EnrollmentGroupsController(EnrollmentGroups groups) {
        this.groups = groups;
    }

    /** 201 with the group; the generated group key and the allocation webhook's secret appear in this answer only. */
    @PostMapping
    @Operation(id = "createEnrollmentGroup",
            summary = "Create an enrollment group; its generated group key and allocation secret are in this answer only", success = 201, errors = 409)
    ResponseEntity<GroupResponse> create(@RequestBody GroupRequest body, HttpServletRequest request) {
        EnrollmentGroups.Saved saved = groups.create(body.spec(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/enrollment-groups/" + saved.group().name()))
                .cacheControl(CacheControl.noStore())
                .body(GroupResponse.of(saved.group(), null, saved.groupKey(), saved.allocationSecret()));
    }

    @GetMapping
    @Operation(id = "listEnrollmentGroups", summary = "List the enrollment groups by name")
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<GroupResponse>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return Pages.ofAll(groups.list().stream().map(g -> GroupResponse.of(g, null, null, null)).toList(), limit, cursor,
                GroupResponse::name);
    }

    @GetMapping("/{name}")
    @Operation(id = "getEnrollmentGroup", summary = "Read an enrollment group with its admission counts")
    @PreAuthorize(Roles.ANY)
    GroupResponse get(@PathVariable String name) {
        return GroupResponse.of(groups.get(name), groups.counts(name), null, null);
    }

    /** Replaces the group's definition (its name, mechanism, identity prefix and key stay). */
    @PutMapping("/{name}")
    @Operation(id = "updateEnrollmentGroup", summary = "Replace an enrollment group's definition (name, mechanism, identity"
            + " prefix and key stay)", errors = 409)
    ResponseEntity<GroupResponse> update(@PathVariable String name, @RequestBody GroupRequest body, HttpServletRequest request) {
        EnrollmentGroups.Saved saved = groups.update(name, body.spec(), ApiActors.current(request));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(GroupResponse.of(saved.group(), null, null, saved.allocationSecret()));
    }

    @DeleteMapping("/{name}")
    @Operation(id = "deleteEnrollmentGroup", summary = "Delete an enrollment group (the devices it admitted stay)",
            success = 204, errors = 409)
    ResponseEntity<Void> delete(@PathVariable String name, HttpServletRequest request) {
        groups.delete(name, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    /** {@code {"endpoint":"…"}}: the device's PSK identity and key in a symmetric-key group, for the factory line. */
    @PostMapping("/{name}/derive")
    @Operation(id = "deriveGroupDeviceKey", summary = "A device's PSK identity and derived key in a symmetric-key group, for"
            + " the factory line", errors = 409)
    ResponseEntity<EnrollmentGroups.Derived> derive(@PathVariable String name, @RequestBody DeriveRequest body,
            HttpServletRequest request) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(groups.derive(name, body.endpoint(), ApiActors.current(request)));
    }

    /** A new allocation webhook secret, shown once; the previous one keeps signing for a while. */
    @PostMapping("/{name}/allocation-secret")
    @Operation(id = "rotateAllocationSecret", summary = "A new allocation webhook secret, in this answer only; the previous one"
            + " keeps signing for a while", success = 201)
    ResponseEntity<GroupResponse> rotateAllocationSecret(@PathVariable String name, HttpServletRequest request) {
        EnrollmentGroups.Saved saved = groups.rotateAllocationSecret(name, ApiActors.current(request));
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(GroupResponse.of(saved.group(), null, null, saved.allocationSecret()));
    }

    /** What the group's first contacts came to, newest first: {@code ?outcome=ADMITTED|REFUSED}. */
    @GetMapping("/{name}/admissions")
    @Operation(id = "listGroupAdmissions", summary = "The group's first contacts, admitted or refused with the reason, newest"
            + " first")
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<AdmissionResponse>> admissions(@PathVariable String name, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new InvalidInputException("outcome", "must be ADMITTED or REFUSED");
        }
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        return Pages.of(groups.admissions(name, outcome, Pages.longKey(cursor, Long.MAX_VALUE), size + 1).stream()
                .map(AdmissionResponse::of).toList(), size, a -> Long.toString(a.id()));
    }

    record DeriveRequest(String endpoint) {
    }
}

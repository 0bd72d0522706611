package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/fleet-actions}: rotate or revoke credentials of every device a profile or label selects. */
@RestController
@RequestMapping("/api/v1/fleet-actions")
class FleetActionsController {

    private final FleetJobs jobs;

    FleetActionsController(FleetJobs jobs) {
        this.jobs = jobs;
    }

    /** A dry run answers 200 with the number of devices selected; otherwise 202 with the job. */
    @PostMapping
    @PreAuthorize(Roles.SECURITY)
    @Operation(id = "createFleetAction", summary = "Rotate or revoke the credentials of every device a profile or label selects", success = {202, 200})
    ResponseEntity<?> create(@RequestBody FleetActionRequest body, HttpServletRequest request) {
        FleetActionRequest action = body.validate();
        if (action.dryRun()) {
            return ResponseEntity.ok(Map.of("dryRun", true, "action", action.action(), "devices", jobs.count(action)));
        }
        FleetJobs.Job job = jobs.create(action, ApiActors.current(request));
        return ResponseEntity.accepted().location(URI.create("/api/v1/fleet-actions/" + job.id())).body(job);
    }

    /** Fleet actions, newest first, a page at a time; {@code state} QUEUED, RUNNING, SUCCEEDED or FAILED. */
    @GetMapping
    @PreAuthorize(Roles.AUDIT)
    @Operation(id = "listFleetActions", summary = "List fleet actions, newest first, optionally in one state")
    ResponseEntity<List<FleetJobs.Job>> list(@RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        String wanted = state == null ? null : state.toUpperCase(Locale.ROOT);
        if (wanted != null && !FleetJobs.states().contains(wanted)) {
            throw new InvalidInputException("state", "must be one of " + String.join(", ", FleetJobs.states()));
        }
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        String key = Pages.key(cursor);
        FleetJobs.Job after = null;
        if (key != null) {
            try {
                after = jobs.load(UUID.fromString(key));
            } catch (IllegalArgumentException | NotFoundException e) {
                throw Pages.badCursor();
            }
        }
        return Pages.of(jobs.list(wanted, after, size + 1), size, j -> j.id().toString());
    }

    @GetMapping("/{id}")
    @PreAuthorize(Roles.AUDIT)
    @Operation(id = "getFleetAction", summary = "Read a fleet action: state and progress")
    FleetJobs.Job get(@PathVariable UUID id) {
        return jobs.load(id);
    }
}

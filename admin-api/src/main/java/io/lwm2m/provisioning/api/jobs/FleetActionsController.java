package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.api.auth.ApiActors;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
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
    @PreAuthorize("hasAnyRole('SECURITY_OFFICER','ADMIN')")
    ResponseEntity<?> create(@RequestBody FleetActionRequest body, HttpServletRequest request) {
        FleetActionRequest action = body.validate();
        if (action.dryRun()) {
            return ResponseEntity.ok(Map.of("dryRun", true, "action", action.action(), "devices", jobs.count(action)));
        }
        FleetJobs.Job job = jobs.create(action, ApiActors.current(request));
        return ResponseEntity.accepted().location(URI.create("/api/v1/fleet-actions/" + job.id())).body(job);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('SECURITY_OFFICER','ADMIN','AUDITOR')")
    FleetJobs.Job get(@PathVariable UUID id) {
        return jobs.load(id);
    }
}

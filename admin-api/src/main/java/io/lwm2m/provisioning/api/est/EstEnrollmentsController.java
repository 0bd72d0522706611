package io.lwm2m.provisioning.api.est;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.est.EstService;
import io.lwm2m.provisioning.est.PendingEnrollment;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/est/enrollments}: CSRs held for approval (a profile's {@code est.approval}); an
 * approved CSR is issued when the device sends it again.
 */
@RestController
@RequestMapping("/api/v1/est/enrollments")
@PreAuthorize(Roles.SECURITY)
class EstEnrollmentsController {

    private final EstService est;

    EstEnrollmentsController(EstService est) {
        this.est = est;
    }

    /** The held CSRs, oldest first. */
    @GetMapping
    @PreAuthorize(Roles.AUDIT)
    @Operation(id = "listPendingEnrollments", summary = "CSRs held for approval, oldest first")
    List<EnrollmentResponse> pending(@RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("limit", "must be between 1 and 1000");
        }
        return est.pendingApprovals(limit).stream().map(EnrollmentResponse::of).toList();
    }

    @PostMapping("/{id}/approve")
    @Operation(id = "approveEnrollment", summary = "Approve a held CSR", errors = 409)
    EnrollmentResponse approve(@PathVariable long id, HttpServletRequest request) {
        return EnrollmentResponse.of(est.decide(id, true, ApiActors.current(request)));
    }

    @PostMapping("/{id}/reject")
    @Operation(id = "rejectEnrollment", summary = "Reject a held CSR", errors = 409)
    EnrollmentResponse reject(@PathVariable long id, HttpServletRequest request) {
        return EnrollmentResponse.of(est.decide(id, false, ApiActors.current(request)));
    }

    record EnrollmentResponse(long id, String endpoint, String label, String operation, String status, String requestedBy,
            Instant createdAt, Instant decidedAt, String decidedBy) {

        static EnrollmentResponse of(PendingEnrollment e) {
            return new EnrollmentResponse(e.id(), e.endpoint(), e.label(), e.operation().coapName(), e.status().name(),
                    e.requestedBy(), e.createdAt(), e.decidedAt(), e.decidedBy());
        }
    }
}

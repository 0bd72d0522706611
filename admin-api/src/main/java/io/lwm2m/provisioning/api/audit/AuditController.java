package io.lwm2m.provisioning.api.audit;

import io.lwm2m.provisioning.api.openapi.Operation;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.bootstrap.audit.AuditEventRecord;
import io.lwm2m.provisioning.bootstrap.audit.AuditLog;
import io.lwm2m.provisioning.bootstrap.audit.AuditQuery;
import io.lwm2m.provisioning.bootstrap.audit.ChainVerification;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/audit}: the append-only, hash-chained audit log, newest first, for auditors,
 * security officers and admins; {@code /verify} checks the chain.
 */
@RestController
@RequestMapping("/api/v1/audit")
@PreAuthorize(Roles.AUDIT)
class AuditController {

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    /**
     * Filters: {@code actor}, {@code target}, {@code outcome} (SUCCESS, FAILURE, DENIED) exactly;
     * {@code action} exactly or by prefix ({@code device.*}); {@code from} (inclusive) and
     * {@code to} (exclusive) as ISO-8601 instants.
     */
    @GetMapping
    @Operation(id = "searchAudit", summary = "Search the audit log, newest first")
    ResponseEntity<List<EventResponse>> search(@RequestParam(required = false) String actor,
            @RequestParam(required = false) String action, @RequestParam(required = false) String target,
            @RequestParam(required = false) String outcome, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        FieldProblems problems = new FieldProblems();
        String outcomeName = null;
        if (outcome != null) {
            try {
                outcomeName = AuditEvent.Outcome.valueOf(outcome.toUpperCase()).name();
            } catch (IllegalArgumentException e) {
                problems.add("outcome", "must be one of " + List.of(AuditEvent.Outcome.values()));
            }
        }
        Instant fromInstant = instant("from", from, problems);
        Instant toInstant = instant("to", to, problems);
        problems.throwIfAny();
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        List<AuditEventRecord> page = log.search(new AuditQuery(actor, action, target, outcomeName, fromInstant, toInstant),
                Pages.longKey(cursor, Long.MAX_VALUE), size + 1);
        return Pages.of(page, size, e -> e.id().toString(), EventResponse::of);
    }

    /** Checks the whole chain; {@code valid:false} names the first row that does not match. */
    @GetMapping("/verify")
    @Operation(id = "verifyAuditChain", summary = "Recompute the audit log's hash chain; names the first broken link")
    ChainVerification verify() {
        return log.verify();
    }

    private static Instant instant(String field, String value, FieldProblems problems) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventResponse(long id, Instant occurredAt, String actor, String role, String action, String target, String outcome,
            String sourceAddress, String requestId, Map<String, String> details, String prevHash, String hash) {

        static EventResponse of(AuditEventRecord e) {
            return new EventResponse(e.id(), e.occurredAt(), e.actor(), e.role(), e.action(), e.target(), e.outcome(),
                    e.sourceAddress(), e.requestId(), e.detailsMap().isEmpty() ? null : e.detailsMap(),
                    e.prevHash() == null ? null : HexFormat.of().formatHex(e.prevHash()), HexFormat.of().formatHex(e.hash()));
        }
    }
}

package io.lwm2m.provisioning.console.audit;

import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.bootstrap.audit.AuditEventRecord;
import io.lwm2m.provisioning.bootstrap.audit.AuditLog;
import io.lwm2m.provisioning.bootstrap.audit.AuditQuery;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InputText;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /console/audit}: the audit log filtered by actor, action (exact or {@code device.*}), target,
 * outcome and time (UTC), a page at a time, newest first; and its hash chain checked, naming the first
 * broken link. For the roles that read the audit log in the API.
 */
@Controller
@PreAuthorize(Roles.AUDIT)
class AuditPageController {

    private static final int PAGE = 50;
    private static final int MAX_FILTER = 255;

    private final AuditLog log;

    AuditPageController(AuditLog log) {
        this.log = log;
    }

    /** The filters as the form shows them again. */
    record Filter(String actor, String action, String target, String outcome, String from, String to) {
    }

    @GetMapping("/console/audit")
    String search(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
            @RequestParam(required = false) String target, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) Long before, Model model) {
        FieldProblems problems = new FieldProblems();
        InputText.checkLine(problems, "actor", actor, MAX_FILTER);
        InputText.checkLine(problems, "action", action, MAX_FILTER);
        InputText.checkLine(problems, "target", target, MAX_FILTER);
        String outcomeName = blank(outcome) ? null : outcome.toUpperCase(Locale.ROOT);
        if (outcomeName != null && List.of(AuditEvent.Outcome.values()).stream().noneMatch(o -> o.name().equals(outcomeName))) {
            problems.add("outcome", "must be one of " + List.of(AuditEvent.Outcome.values()));
        }
        Instant fromInstant = instant("from", from, problems);
        Instant toInstant = instant("to", to, problems);
        problems.throwIfAny();
        List<AuditEventRecord> page = log.search(new AuditQuery(nullIfBlank(actor), nullIfBlank(action), nullIfBlank(target),
                outcomeName, fromInstant, toInstant), before == null ? Long.MAX_VALUE : before, PAGE + 1);
        model.addAttribute("events", page.size() > PAGE ? page.subList(0, PAGE) : page);
        model.addAttribute("before", page.size() > PAGE ? page.get(PAGE - 1).id() : null);
        model.addAttribute("filter", new Filter(actor, action, target, outcomeName, from, to));
        model.addAttribute("outcomes", List.of(AuditEvent.Outcome.values()));
        return "console/audit";
    }

    @GetMapping("/console/audit/verify")
    String verify(Model model) {
        model.addAttribute("verification", log.verify());
        return "console/audit-verify";
    }

    /** An ISO-8601 instant, or the form's date-time field (taken as UTC). */
    private static Instant instant(String field, String value, FieldProblems problems) {
        if (blank(value)) {
            return null;
        }
        try {
            return value.endsWith("Z") ? Instant.parse(value) : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            problems.add(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
            return null;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String nullIfBlank(String value) {
        return blank(value) ? null : value.trim();
    }
}

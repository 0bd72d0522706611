package io.lwm2m.provisioning.console.keys;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.ApiKey;
import io.lwm2m.provisioning.api.auth.ApiKeyService;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /console/api-keys} (admins): the keys (never the keys themselves), creating one (its key shown
 * once, on the page that answers), revoking one after a confirmation, expiry.
 */
@Controller
@PreAuthorize(Roles.ADMIN)
class ApiKeysPageController {

    private final ApiKeyService keys;

    ApiKeysPageController(ApiKeyService keys) {
        this.keys = keys;
    }

    /** A key as the page lists it. */
    record KeyRow(ApiKey key, String status) {
    }

    @GetMapping("/console/api-keys")
    String list(Model model) {
        return page(List.of(), null, model);
    }

    /** The new key, on this page only: not stored by the browser, never shown again. */
    @PostMapping("/console/api-keys")
    String create(@RequestParam String name, @RequestParam String role, @RequestParam(required = false) String expires,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            Role chosen = Role.fromName(role).orElseThrow(() -> new InvalidInputException("role",
                    "must be one of " + List.of(Role.values()).stream().map(Role::apiName).toList()));
            ApiKeyService.CreatedKey created = keys.create(name, chosen, expiry(expires), ApiActors.current(request));
            response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
            model.addAttribute("created", created.stored());
            model.addAttribute("key", created.key());
            return "console/api-key-created";
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return page(e.problems(), name, model);
        }
    }

    @GetMapping("/console/api-keys/{id}/revoke")
    String confirm(@PathVariable long id, Model model) {
        model.addAttribute("key", keys.get(id));
        return "console/api-key-revoke";
    }

    @PostMapping("/console/api-keys/{id}/revoke")
    String revoke(@PathVariable long id, HttpServletRequest request, HttpServletResponse response, Model model,
            RedirectAttributes redirect) {
        try {
            ApiKey key = keys.revoke(id, ApiActors.current(request));
            redirect.addFlashAttribute("notice", "API key " + key.name() + " is revoked: it stops working at once.");
            return "redirect:/console/api-keys";
        } catch (ConflictException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            return page(List.of(new FieldProblem(e.field(), e.getMessage())), null, model);
        }
    }

    private String page(List<FieldProblem> problems, String name, Model model) {
        Instant now = Instant.now();
        List<KeyRow> rows = new ArrayList<>();
        long after = 0;
        List<ApiKey> batch;
        do {
            batch = keys.list(after, 500);
            for (ApiKey key : batch) {
                rows.add(new KeyRow(key, key.revokedAt() != null ? "REVOKED" : key.validAt(now) ? "ACTIVE" : "EXPIRED"));
                after = key.id();
            }
        } while (batch.size() == 500);
        model.addAttribute("keys", rows);
        model.addAttribute("roles", List.of(Role.values()).stream().map(Role::apiName).toList());
        model.addAttribute("problems", problems);
        model.addAttribute("name", name);
        return "console/api-keys";
    }

    /** A date (the key expires at its start, UTC) or an ISO-8601 instant; empty: never. */
    private static Instant expiry(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("expiresAt", "must be a date such as 2027-01-31 or an ISO-8601 instant");
        }
    }
}

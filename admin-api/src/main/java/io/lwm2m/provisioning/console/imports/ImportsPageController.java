package io.lwm2m.provisioning.console.imports;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.imports.ImportCompletion;
import io.lwm2m.provisioning.api.imports.ImportJob;
import io.lwm2m.provisioning.api.imports.ImportJobCursors;
import io.lwm2m.provisioning.api.imports.ImportJobs;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;

/**
 * {@code /console/imports}: upload a file by drag and drop (the page's script sends it as the body, so
 * it is streamed into the spool as through the API), dry-run it first, follow a job's progress live,
 * read its per-row problems by line number, download its one-time secrets file (its uploader only),
 * cancel it; the list of jobs. Through the same import services as {@code /api/v1/imports}.
 */
@Controller
class ImportsPageController {

    private static final int JOBS_PAGE = 25;
    private static final int ROWS_PAGE = 100;

    private final ImportJobs jobs;
    private final ImportCompletion completion;

    ImportsPageController(ImportJobs jobs, ImportCompletion completion) {
        this.jobs = jobs;
        this.completion = completion;
    }

    @GetMapping("/console/imports")
    @PreAuthorize(Roles.ANY)
    String list(@RequestParam(required = false) String state, @RequestParam(required = false) String cursor, Model model) {
        String wanted = state == null || state.isEmpty() ? null : state.toUpperCase(Locale.ROOT);
        if (wanted != null && !ImportJobs.states().contains(wanted)) {
            throw new InvalidInputException("state", "must be one of " + String.join(", ", ImportJobs.states()));
        }
        List<ImportJob> page = jobs.list(wanted, ImportJobCursors.parse(cursor), JOBS_PAGE + 1);
        model.addAttribute("jobs", page.size() > JOBS_PAGE ? page.subList(0, JOBS_PAGE) : page);
        model.addAttribute("next", page.size() > JOBS_PAGE ? Pages.cursor(ImportJobCursors.key(page.get(JOBS_PAGE - 1))) : null);
        model.addAttribute("state", wanted);
        model.addAttribute("states", ImportJobs.states());
        return "console/imports";
    }

    /** The page's script uploads the file as the body; answers where the job is. */
    @PostMapping(value = "/console/imports", consumes = {"text/csv", "application/x-ndjson"})
    @PreAuthorize(Roles.REGISTER)
    @ResponseBody
    ResponseEntity<Map<String, Object>> upload(@RequestParam(defaultValue = "false") boolean dryRun, HttpServletRequest request)
            throws IOException {
        String format = MediaType.parseMediaType(request.getContentType()).isCompatibleWith(MediaType.parseMediaType(
                "application/x-ndjson")) ? "NDJSON" : "CSV";
        ImportJob job = jobs.create(request.getInputStream(), format, dryRun, null, ApiActors.current(request)).job();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("url", "/console/imports/" + job.id());
        body.put("progressUrl", "/console/imports/" + job.id() + "/progress");
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }

    @GetMapping("/console/imports/{id}")
    @PreAuthorize(Roles.ANY)
    String job(@PathVariable UUID id, @RequestParam(required = false) String outcome, @RequestParam(defaultValue = "0") long after,
            HttpServletRequest request, Model model) {
        ImportJob job = jobs.load(id);
        String shown = outcome != null ? outcome : job.invalid() > 0 || job.conflict() == 0 ? "invalid" : "conflict";
        if (!ImportJobs.outcomes().contains(shown)) {
            throw new InvalidInputException("outcome", "must be one of " + String.join(", ", ImportJobs.outcomes()));
        }
        List<JsonNode> rows = new ArrayList<>();
        long last = jobs.rows(id, after, shown, ROWS_PAGE, rows::add);
        model.addAttribute("job", job);
        model.addAttribute("counts", ImportJobs.counts(job));
        model.addAttribute("outcome", shown);
        model.addAttribute("rows", rows);
        model.addAttribute("nextAfter", rows.size() == ROWS_PAGE ? last : null);
        model.addAttribute("mine", job.createdBy().equals(ApiActors.current(request).name()));
        return "console/import";
    }

    /** For the page's script: progress and counts, until the job has ended. */
    @GetMapping(value = "/console/imports/{id}/progress", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.ANY)
    @ResponseBody
    Map<String, Object> progress(@PathVariable UUID id) {
        ImportJob job = jobs.load(id);
        ImportJob.Progress progress = job.progress();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", job.state());
        body.put("finished", job.finished());
        body.put("rowsDone", progress.rowsDone());
        body.put("rowsTotal", progress.rowsTotal());
        body.put("percent", progress.percent());
        body.put("counts", ImportJobs.counts(job));
        return body;
    }

    /** The generated secrets, to the job's uploader only; every download is audited. */
    @GetMapping("/console/imports/{id}/secrets")
    @PreAuthorize(Roles.REGISTER)
    void secrets(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Actor actor = ApiActors.current(request);
        ImportJob job = jobs.secretsJob(id, actor);
        response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
        response.setHeader("Content-Disposition", "attachment; filename=\"import-" + id + "-secrets.csv\"");
        response.setContentType(new MediaType("text", "csv", StandardCharsets.UTF_8).toString());
        jobs.writeSecrets(job, actor, response.getOutputStream());
    }

    @PostMapping("/console/imports/{id}/secrets/acknowledge")
    @PreAuthorize(Roles.REGISTER)
    String acknowledge(@PathVariable UUID id, HttpServletRequest request, RedirectAttributes redirect) {
        jobs.acknowledgeSecrets(id, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "The secrets file is destroyed.");
        return "redirect:/console/imports/" + id;
    }

    @PostMapping("/console/imports/{id}/cancel")
    @PreAuthorize(Roles.REGISTER)
    String cancel(@PathVariable UUID id, HttpServletRequest request, RedirectAttributes redirect) {
        ImportJob job = completion.cancel(id, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Cancelled after " + job.rowsTotal() + " row(s); the rows committed before stay.");
        return "redirect:/console/imports/" + id;
    }
}

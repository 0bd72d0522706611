package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.errors.Problems;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/imports}: bulk registration of devices from CSV or NDJSON, as background jobs. */
@RestController
@RequestMapping("/api/v1/imports")
class ImportsController {

    static final String NDJSON = "application/x-ndjson";
    private static final int MAX_PAGE = 10_000;

    private final ImportJobs jobs;
    private final ImportRunner runner;
    private final JsonMapper json;

    ImportsController(ImportJobs jobs, ImportRunner runner, JsonMapper json) {
        this.jobs = jobs;
        this.runner = runner;
        this.json = json;
    }

    /** The job as the API shows it: no secrets, ever. */
    record JobResponse(UUID id, String state, String format, boolean dryRun, Instant createdAt, Instant startedAt,
            Instant finishedAt, long uploadBytes, long bytesRead, long nextLine, Map<String, Long> rows, String secrets,
            Instant secretsExpireAt, String error) {

        static JobResponse of(ImportJob job) {
            long read = job.finished() ? job.uploadBytes() : job.nextOffset();
            return new JobResponse(job.id(), job.state(), job.format(), job.dryRun(), job.createdAt(), job.startedAt(),
                    job.finishedAt(), job.uploadBytes(), read, job.nextLine(), ImportJobs.counts(job), job.secretsState(),
                    job.secretsExpireAt(), job.error());
        }
    }

    /**
     * Accepts an upload (the body is streamed into the spool, never held whole) and answers 202
     * with the job. A repeated Idempotency-Key with the same upload answers 200 with the first job.
     */
    @PostMapping(consumes = {"text/csv", NDJSON})
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN')")
    ResponseEntity<JobResponse> create(HttpServletRequest request,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(defaultValue = "false") boolean dryRun) throws IOException {
        String format = MediaType.parseMediaType(request.getContentType()).isCompatibleWith(MediaType.parseMediaType(NDJSON))
                ? "NDJSON" : "CSV";
        ImportJobs.Accepted accepted = jobs.create(request.getInputStream(), format, dryRun, idempotencyKey,
                ApiActors.current(request));
        runner.wake();
        URI location = URI.create("/api/v1/imports/" + accepted.job().id());
        return (accepted.existing() ? ResponseEntity.ok().location(location) : ResponseEntity.accepted().location(location))
                .body(JobResponse.of(accepted.job()));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN','SECURITY_OFFICER','AUDITOR')")
    JobResponse get(@PathVariable UUID id) {
        return JobResponse.of(jobs.load(id));
    }

    /**
     * Per-row results in line order, a page at a time: {@code rows}, and {@code next} (the
     * {@code after} of the next page) while more may follow. With {@code Accept: application/x-ndjson}
     * every matching row is streamed, one JSON object per line.
     */
    @GetMapping(value = "/{id}/rows", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN','SECURITY_OFFICER','AUDITOR')")
    Map<String, Object> rows(@PathVariable UUID id, @RequestParam(defaultValue = "0") long after,
            @RequestParam(required = false) String outcome, @RequestParam(defaultValue = "1000") int limit) {
        checkOutcome(outcome);
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_PAGE);
        }
        List<JsonNode> page = new ArrayList<>();
        long last = jobs.rows(id, after, outcome, limit, page::add);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rows", page);
        body.put("next", page.size() == limit ? last : null);
        return body;
    }

    @GetMapping(value = "/{id}/rows", produces = NDJSON)
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN','SECURITY_OFFICER','AUDITOR')")
    void rowsStream(@PathVariable UUID id, @RequestParam(required = false) String outcome, HttpServletResponse response)
            throws IOException {
        checkOutcome(outcome);
        jobs.load(id);
        response.setContentType(NDJSON);
        OutputStream out = response.getOutputStream();
        jobs.rows(id, 0, outcome, 0, row -> write(out, row));
    }

    private void write(OutputStream out, JsonNode row) {
        try {
            out.write(json.writeValueAsBytes(row));
            out.write('\n');
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkOutcome(String outcome) {
        if (outcome != null && !ImportJobs.outcomes().contains(outcome)) {
            throw new InvalidInputException("outcome", "must be one of " + String.join(", ", ImportJobs.outcomes()));
        }
    }

    /** The generated secrets as CSV, for the job's creator only, until acknowledged or expired. */
    @GetMapping(value = "/{id}/secrets", produces = "text/csv")
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN')")
    void secrets(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Actor actor = ApiActors.current(request);
        ImportJob job = jobs.secretsJob(id, actor);
        response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
        response.setHeader("Content-Disposition", "attachment; filename=\"import-" + id + "-secrets.csv\"");
        response.setContentType(new MediaType("text", "csv", StandardCharsets.UTF_8).toString());
        jobs.writeSecrets(job, actor, response.getOutputStream());
    }

    @PostMapping("/{id}/secrets/acknowledge")
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN')")
    ResponseEntity<Void> acknowledge(@PathVariable UUID id, HttpServletRequest request) {
        jobs.acknowledgeSecrets(id, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}/secrets")
    @PreAuthorize("hasAnyRole('OPERATOR','ADMIN')")
    ResponseEntity<Void> destroy(@PathVariable UUID id, HttpServletRequest request) {
        return acknowledge(id, request);
    }

    @ExceptionHandler(ImportJobs.IdempotencyKeyReusedException.class)
    ResponseEntity<ProblemDetail> keyReused(RuntimeException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage());
    }

    @ExceptionHandler(ImportJobs.SecretsGoneException.class)
    ResponseEntity<ProblemDetail> gone(RuntimeException e) {
        return problem(HttpStatus.GONE, "Secrets destroyed", e.getMessage());
    }

    @ExceptionHandler(ImportSpool.TooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(RuntimeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Upload too large", e.getMessage()
                + "; split the file or raise provisioning.imports.max-upload-size");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        return Problems.response(status, title, detail, List.of());
    }
}

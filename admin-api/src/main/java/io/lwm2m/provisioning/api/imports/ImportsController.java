package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.errors.Problems;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
    private final ImportCompletion completion;
    private final JsonMapper json;

    ImportsController(ImportJobs jobs, ImportCompletion completion, JsonMapper json) {
        this.jobs = jobs;
        this.completion = completion;
        this.json = json;
    }

    /** The job as the API shows it: no secrets, ever. */
    record JobResponse(UUID id, String state, String format, boolean dryRun, Instant createdAt, Instant startedAt,
            Instant finishedAt, long uploadBytes, long bytesRead, long nextLine, ImportJob.Progress progress,
            Map<String, Long> rows, String secrets, Instant secretsExpireAt, String error) {

        static JobResponse of(ImportJob job) {
            long read = job.finished() ? job.uploadBytes() : job.nextOffset();
            return new JobResponse(job.id(), job.state(), job.format(), job.dryRun(), job.createdAt(), job.startedAt(),
                    job.finishedAt(), job.uploadBytes(), read, job.nextLine(), job.progress(), ImportJobs.counts(job),
                    job.secretsState(), job.secretsExpireAt(), job.error());
        }
    }

    /**
     * Accepts an upload, the file as the body ({@code text/csv}, {@code application/x-ndjson}) or as
     * the form part {@code file} of {@code multipart/form-data}; either is streamed into the spool,
     * never held whole. Answers 202 with the job; a repeated Idempotency-Key with the same upload
     * answers 200 with the first job.
     */
    @PostMapping(consumes = {"text/csv", NDJSON, MediaType.MULTIPART_FORM_DATA_VALUE})
    @PreAuthorize(Roles.REGISTER)
    @Operation(id = "createImport", summary = "Upload a CSV or NDJSON file of devices to register (or dry-run)",
            success = {202, 200}, errors = {413, 422})
    ResponseEntity<JobResponse> create(HttpServletRequest request,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestParam(defaultValue = "false") boolean dryRun) throws IOException {
        MediaType type = MediaType.parseMediaType(request.getContentType());
        InputStream body = request.getInputStream();
        String format;
        if (type.isCompatibleWith(MediaType.MULTIPART_FORM_DATA)) {
            MultipartUpload upload = MultipartUpload.open(body, type);
            format = upload.format();
            body = upload.content();
        } else {
            format = type.isCompatibleWith(MediaType.parseMediaType(NDJSON)) ? "NDJSON" : "CSV";
        }
        ImportJobs.Accepted accepted = jobs.create(body, format, dryRun, idempotencyKey, ApiActors.current(request));
        URI location = URI.create("/api/v1/imports/" + accepted.job().id());
        return (accepted.existing() ? ResponseEntity.ok().location(location) : ResponseEntity.accepted().location(location))
                .body(JobResponse.of(accepted.job()));
    }

    /** Import jobs, newest first, a page at a time; {@code state} QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED. */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listImports", summary = "List import jobs, newest first, optionally in one state")
    ResponseEntity<List<JobResponse>> list(@RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        if (state != null && !ImportJobs.states().contains(state.toUpperCase(java.util.Locale.ROOT))) {
            throw new InvalidInputException("state", "must be one of " + String.join(", ", ImportJobs.states()));
        }
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        List<ImportJob> page = jobs.list(state == null ? null : state.toUpperCase(java.util.Locale.ROOT),
                ImportJobCursors.parse(cursor), size + 1);
        return Pages.of(page, size, ImportJobCursors::key, JobResponse::of);
    }

    @GetMapping("/{id}")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getImport", summary = "Read an import job: state, progress and counts by outcome")
    JobResponse get(@PathVariable UUID id) {
        return JobResponse.of(jobs.load(id));
    }

    /**
     * Stops a queued or running job: no further batch is committed; the rows committed before stay,
     * with their secrets file. 409 for a job that has already ended.
     */
    @PostMapping("/{id}/cancel")
    @PreAuthorize(Roles.REGISTER)
    @Operation(id = "cancelImport", summary = "Cancel a queued or running import job; rows already committed stay",
            errors = {409})
    JobResponse cancel(@PathVariable UUID id, HttpServletRequest request) {
        return JobResponse.of(completion.cancel(id, ApiActors.current(request)));
    }

    /**
     * Per-row results in line order, a page at a time: {@code rows}, and {@code next} (the
     * {@code after} of the next page) while more may follow. With {@code Accept: application/x-ndjson}
     * every matching row is streamed, one JSON object per line.
     */
    @GetMapping(value = "/{id}/rows", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listImportRows", summary = "Per-row results of an import job by line number (JSON pages, or all as NDJSON)")
    RowsPage rows(@PathVariable UUID id, @RequestParam(defaultValue = "0") long after,
            @RequestParam(required = false) String outcome, @RequestParam(defaultValue = "1000") int limit) {
        checkOutcome(outcome);
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_PAGE);
        }
        List<JsonNode> page = new ArrayList<>();
        long last = jobs.rows(id, after, outcome, limit, page::add);
        return new RowsPage(page, page.size() == limit ? last : null);
    }

    /**
     * A page of per-row results: each {@code {"line","outcome","endpoint","reason"}}; {@code next} is
     * the {@code after} of the next page, null on the last one.
     */
    record RowsPage(List<JsonNode> rows, Long next) {
    }

    @GetMapping(value = "/{id}/rows", produces = NDJSON)
    @PreAuthorize(Roles.ANY)
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
    @PreAuthorize(Roles.REGISTER)
    @Operation(id = "downloadImportSecrets", summary = "Download the generated secrets file of an import job (its creator only)", errors = {409, 410})
    void secrets(@PathVariable UUID id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Actor actor = ApiActors.current(request);
        ImportJob job = jobs.secretsJob(id, actor);
        response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
        response.setHeader("Content-Disposition", "attachment; filename=\"import-" + id + "-secrets.csv\"");
        response.setContentType(new MediaType("text", "csv", StandardCharsets.UTF_8).toString());
        jobs.writeSecrets(job, actor, response.getOutputStream());
    }

    @PostMapping("/{id}/secrets/acknowledge")
    @PreAuthorize(Roles.REGISTER)
    @Operation(id = "acknowledgeImportSecrets", summary = "Destroy the secrets file: its creator has stored it", success = 204, errors = {409, 410})
    ResponseEntity<Void> acknowledge(@PathVariable UUID id, HttpServletRequest request) {
        jobs.acknowledgeSecrets(id, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}/secrets")
    @PreAuthorize(Roles.REGISTER)
    @Operation(id = "deleteImportSecrets", summary = "Destroy the secrets file (the same as acknowledging it)", success = 204, errors = {409, 410})
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

    @ExceptionHandler(UploadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(RuntimeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Upload too large", e.getMessage()
                + "; split the file or raise provisioning.imports.max-upload-size");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        return Problems.response(status, title, detail, List.of());
    }
}

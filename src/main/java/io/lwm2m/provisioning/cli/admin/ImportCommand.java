package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.DurationConverter;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import io.lwm2m.provisioning.cli.terminal.ProgressBar;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code import FILE}: uploads a CSV or NDJSON file of devices as an import job, shows its progress,
 * then its counts and every refused row with its line and reason; optionally saves the one-time
 * secrets file. Exit code 0 when every row was imported (or already there, identical), 1 otherwise.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Imports devices from a CSV or NDJSON file (POST /api/v1/imports), with a progress bar and the refused rows "
                + "by line at the end.", "Exit code 0 when every row was imported, 1 when a row was refused or the job failed."})
public final class ImportCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "FILE", description = "The devices: CSV (header line first) or NDJSON (.ndjson, .jsonl).")
    private Path file;

    @Option(names = "--dry-run", description = "Check every row and report, create nothing.")
    private boolean dryRun;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv or ndjson (default: from the file name).")
    private String format;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = "The same key with the same file again returns the first job "
            + "instead of a new one (a retry after a lost connection).")
    private String idempotencyKey;

    @Option(names = "--secrets-out", paramLabel = "FILE", description = "Save the generated secrets (keys in clear text, CSV) to this "
            + "new file, readable by its owner only.")
    private Path secretsOut;

    @Option(names = "--acknowledge-secrets", description = "With --secrets-out: once saved, tell the server to destroy its copy.")
    private boolean acknowledgeSecrets;

    @Option(names = "--errors", paramLabel = "N", defaultValue = "50", description = "Refused rows printed at most. Default: ${DEFAULT-VALUE}.")
    private int maxErrors;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often the job is asked for its progress. Default: ${DEFAULT-VALUE}.")
    private Duration pollInterval;

    @Mixin
    private ApiOptions apiOptions;

    public ImportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (acknowledgeSecrets && secretsOut == null) {
            throw new IllegalArgumentException("--acknowledge-secrets needs --secrets-out: the secrets would be destroyed unseen");
        }
        if (secretsOut != null && Files.exists(secretsOut)) {
            throw new IllegalArgumentException(secretsOut + " exists: the secrets go into a new file only");
        }
        AdminApi api = apiOptions.api();
        PrintWriter out = context.out();
        HttpResponse<String> accepted = api.upload("api/v1/imports" + (dryRun ? "?dryRun=true" : ""), file, contentType(),
                idempotencyKey);
        JsonNode job = AdminApi.JSON.readTree(accepted.body());
        String id = job.get("id").asString();
        out.printf("Uploaded %s (%,d bytes): import job %s%s%s%n", file, Files.size(file), id, dryRun ? " (dry run)" : "",
                accepted.statusCode() == 200 ? ", the job this Idempotency-Key already started" : "");
        job = await(api, id);
        ImportReport report = new ImportReport(api, out, maxErrors);
        boolean clean = report.print(job, id);
        if (secretsOut != null) {
            new SecretsDownload(api, context).save(job, id, secretsOut, acknowledgeSecrets);
        } else if ("AVAILABLE".equals(job.path("secrets").asString())) {
            out.println("The generated secrets wait for their one download until " + job.path("secretsExpireAt").asString()
                    + ": GET /api/v1/imports/" + id + "/secrets (or --secrets-out FILE next time).");
        }
        return clean ? ExitCode.OK : ExitCode.FAILED;
    }

    private String contentType() {
        String chosen = format != null ? format.toLowerCase(Locale.ROOT) : file.getFileName().toString().toLowerCase(Locale.ROOT)
                .matches(".*\\.(ndjson|jsonl)$") ? "ndjson" : "csv";
        return switch (chosen) {
            case "csv" -> "text/csv";
            case "ndjson" -> "application/x-ndjson";
            default -> throw new IllegalArgumentException("--format must be csv or ndjson, not " + format);
        };
    }

    /** Polls the job until it ends, with a progress bar over the bytes read of the upload. */
    private JsonNode await(AdminApi api, String id) throws InterruptedException {
        ProgressBar bar = new ProgressBar(context, "importing");
        while (true) {
            JsonNode job = api.get("api/v1/imports/" + id);
            String state = job.get("state").asString();
            long read = job.path("bytesRead").asLong();
            long size = job.path("uploadBytes").asLong();
            String note = state + ", " + job.path("rows").path("total").asLong() + " rows";
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                bar.finish(read, size, note);
                return job;
            }
            bar.update(read, size, note);
            Thread.sleep(pollInterval.toMillis());
        }
    }
}

package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Saves an import's one-time secrets file into a new file only its owner can read, warns what it
 * holds, and, when asked, tells the server to destroy its copy once the file is safely on disk.
 */
final class SecretsDownload {

    private final AdminApi api;
    private final CliContext context;

    SecretsDownload(AdminApi api, CliContext context) {
        this.api = api;
        this.context = context;
    }

    void save(JsonNode job, String id, Path target, boolean acknowledge) throws IOException {
        String state = job.path("secrets").asString();
        if (!"AVAILABLE".equals(state)) {
            context.out().println("No secrets file to save: the job's secrets are " + state + (job.path("dryRun").asBoolean()
                    ? " (a dry run generates none)" : "NONE".equals(state) ? " (every key was supplied)" : ""));
            return;
        }
        long lines;
        try (InputStream body = api.stream("api/v1/imports/" + id + "/secrets", "text/csv").body();
                FileChannel channel = create(target); OutputStream file = Channels.newOutputStream(channel)) {
            body.transferTo(file);
            channel.force(true);
        }
        try (var stream = Files.lines(target)) {
            lines = stream.count() - 1;
        }
        context.err().println("WARNING: " + target + " holds " + lines + " generated secrets in clear text (PSK keys, private keys)."
                + " Keep it off shared disks and e-mail, hand it to whoever provisions the devices, and delete it when done.");
        if (acknowledge) {
            api.post("api/v1/imports/" + id + "/secrets/acknowledge", null);
            context.out().println("Saved the secrets to " + target + "; the server destroyed its copy.");
        } else {
            context.out().println("Saved the secrets to " + target + "; the server keeps its copy until acknowledged (POST /api/v1/imports/"
                    + id + "/secrets/acknowledge) or until " + job.path("secretsExpireAt").asString() + ".");
        }
    }

    private static FileChannel create(Path target) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(target, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return FileChannel.open(target, options);
    }
}

package io.lwm2m.provisioning.ca;

import io.lwm2m.provisioning.testing.ToolCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the openssl command line as an independent judge of what we produce. */
final class OpenSsl {

    static final Path BINARY = Path.of("/usr/bin/openssl");

    private OpenSsl() {
    }

    record Result(int exitCode, String output) {
    }

    /** Runs openssl in {@code directory} with stderr merged into the output. */
    static Result run(Path directory, String... arguments) throws IOException, InterruptedException {
        ToolCheck.require(BINARY.toString(), "openssl");
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl " + arguments[0] + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    static Path write(Path directory, String name, String content) throws IOException {
        return Files.writeString(directory.resolve(name), content, StandardCharsets.US_ASCII);
    }
}

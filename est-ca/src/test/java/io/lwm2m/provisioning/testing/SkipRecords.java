package io.lwm2m.provisioning.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tests skipped for a missing tool, as files the build's last step reads: one line per skipped test
 * ({@code package TAB tool message TAB test}), one file per test JVM, in the directory named by the
 * system property {@value #DIRECTORY_PROPERTY} (set by the surefire and failsafe configuration; the
 * root pom empties it when a build starts). Without the property nothing is written.
 */
public final class SkipRecords {

    public static final String DIRECTORY_PROPERTY = "provisioning.test.skips.dir";
    private static final Path FILE_NAME = Path.of("skips-" + ProcessHandle.current().pid() + ".tsv");

    private SkipRecords() {
    }

    public record Skip(String summaryName, String message, String test) {
    }

    static synchronized void write(Tool tool, String test, int count) {
        String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (directory == null || directory.isBlank()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(clean(tool.summaryName())).append('\t').append(clean(tool.message())).append('\t')
                    .append(clean(test)).append('\n');
        }
        try {
            Path dir = Files.createDirectories(Path.of(directory));
            Files.writeString(dir.resolve(FILE_NAME), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record a skipped test in " + directory, e);
        }
    }

    /** Every skip recorded in {@code directory}; none when it does not exist. */
    public static List<Skip> read(Path directory) throws IOException {
        List<Skip> skips = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return skips;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".tsv")).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t", -1);
                    if (fields.length == 3) {
                        skips.add(new Skip(fields[0], fields[1], fields[2]));
                    }
                }
            }
        }
        return skips;
    }

    private static String clean(String field) {
        return field.replace('\t', ' ').replace('\n', ' ');
    }
}

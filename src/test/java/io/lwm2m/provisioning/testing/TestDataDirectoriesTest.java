package io.lwm2m.provisioning.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The sweep removes a killed run's leftovers only: old, and no PostgreSQL alive in them. */
class TestDataDirectoriesTest {

    @Test
    void aNewDirectorySweepsOldLeftoversButKeepsRecentOnesAndOnesWithALivePostgres() throws Exception {
        String prefix = "sweep-test-" + ProcessHandle.current().pid() + "-";
        Path leftover = Files.createTempDirectory(prefix);
        Files.createDirectories(leftover.resolve("postgres/base"));
        Files.writeString(leftover.resolve("postgres/postmaster.pid"), "2147483646\n/tmp/x\n"); // no such process
        age(leftover);
        Path running = Files.createTempDirectory(prefix);
        Files.createDirectories(running.resolve("postgres"));
        Files.writeString(running.resolve("postgres/postmaster.pid"), ProcessHandle.current().pid() + "\n");
        age(running);
        Path recent = Files.createTempDirectory(prefix);
        try {
            Path created = TestDataDirectories.create(prefix);

            assertThat(leftover).doesNotExist();
            assertThat(running).exists();
            assertThat(recent).exists();
            assertThat(created).isDirectory().isNotIn(leftover, running, recent);
            TestDataDirectories.delete(created);
        } finally {
            TestDataDirectories.delete(running);
            TestDataDirectories.delete(recent);
            TestDataDirectories.delete(leftover);
        }
    }

    private static void age(Path dir) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    }
}

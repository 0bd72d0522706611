package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A server killed (SIGKILL, its PostgreSQL too) while it receives an upload leaves the chunks it
 * had spooled, with no job to run them; the next start removes them at once (not an hour later),
 * as soon as they are older than {@code provisioning.imports.orphan-after}. Issue 15, item 7.
 */
class UploadOrphansTest {

    private static final Pattern POSTGRES = Pattern.compile("Embedded PostgreSQL running on 127.0.0.1:(\\d+)");

    @Test
    void chunksOfAnUploadCutOffByAKillAreRemovedAtTheNextStart() throws Exception {
        Path dataDir = TestServer.newDataDir();
        Path log = dataDir.resolve("orphans.log");
        Process child = ImportCrashTest.startChild(dataDir, log);
        long spooled;
        try {
            int port = ImportCrashTest.awaitPort(child, log, dataDir);
            String key = Files.readString(dataDir.resolve("initial-admin-key")).trim();
            try (Socket upload = new Socket("127.0.0.1", port)) {
                OutputStream out = upload.getOutputStream();
                out.write(("POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                        + "\r\nContent-Type: text/csv\r\nContent-Length: " + 8 * 1024 * 1024 + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                StringBuilder rows = new StringBuilder("endpoint,profile,mode\n");
                for (int i = 0; rows.length() < 3 * 1024 * 1024; i++) {
                    rows.append("urn:dev:orphan:").append(i).append(",p,psk\n");
                }
                out.write(rows.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Two 1 MiB chunks committed while the rest of the body is still to come.
                spooled = awaitChunks(dataDir, log, 2);
                ImportCrashTest.kill(child, dataDir);
            }
        } finally {
            child.destroyForcibly();
            System.out.println(Files.readString(log, StandardCharsets.UTF_8));
        }
        assertThat(spooled).isGreaterThanOrEqualTo(2);

        long started = System.nanoTime();
        try (TestServer server = TestServer.start(dataDir, Map.of("provisioning.imports.orphan-after", "15s"))) {
            JdbcTemplate db = server.bean(JdbcTemplate.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long left;
            while ((left = db.queryForObject("SELECT count(*) FROM import_upload_chunks", Long.class)) > 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(left).as("chunks left " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s after the restart")
                    .isZero();
            assertThat(db.queryForObject("SELECT count(*) FROM import_jobs", Long.class)).isZero();
        }
    }

    /** Waits until the killed-to-be server's spool holds at least {@code chunks} chunks; returns how many it holds. */
    private static long awaitChunks(Path dataDir, Path log, int chunks) throws Exception {
        Matcher m = POSTGRES.matcher(Files.readString(log, StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        String password = Files.readString(dataDir.resolve("postgres.password")).trim();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + m.group(1) + "/postgres", "postgres",
                password)) {
            while (true) {
                try (ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM import_upload_chunks")) {
                    rs.next();
                    if (rs.getLong(1) >= chunks || System.nanoTime() > deadline) {
                        return rs.getLong(1);
                    }
                }
                Thread.sleep(100);
            }
        }
    }
}

package io.lwm2m.provisioning.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Bulk import throughput: starts the server jar, writes a CSV of {@code --rows} devices (generated
 * bootstrap PSK, one PSK DM server through a profile), uploads it to {@code POST /api/v1/imports},
 * and follows the job: rows/s, and the server's heap (jstat) sampled over the run.
 *
 * <pre>./mvnw -B -q -DskipTests install &amp;&amp; ./mvnw -B -q -pl src dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench-classpath.txt" \
 *  &amp;&amp; java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
 *     io.lwm2m.provisioning.bench.ImportBenchmark --rows 1000000</pre>
 */
public final class ImportBenchmark {

    private ImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Bench.Options o = new Bench.Options(args);
        int rows = o.integer("rows", 1_000_000, "rows in the generated CSV");
        Path jar = Path.of(o.string("jar", "target/provisioning-server.jar", "the server under test"));
        String heap = o.string("server-heap", "512m", "the server's -Xmx: a flat heap must fit in it");
        String batch = o.string("batch-size", "1000", "provisioning.imports.batch-size of the server");
        String jfrPath = o.string("jfr", null, "record the server with JFR during the import and print a profile");
        boolean keep = o.flag("keep", "keep the server's data dir and log");
        double startup = o.seconds("startup-timeout", "180s", "how long to wait for the server to start");
        if (o.has("help") || !o.unknown().isEmpty()) {
            System.err.println("Options:\n" + o.usage());
            System.exit(o.has("help") ? 0 : 2);
        }
        PrintStream out = System.out;
        try (BenchServer s = BenchServer.create(keep)) {
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
            s.launch(jar, jvm, List.of("--provisioning.imports.batch-size=" + batch), Duration.ofMillis(Math.round(startup * 1000)));
            String dm = "bench-dm";
            FleetImport.expect(s.api("POST", "/api/v1/servers", """
                    {"name":"%s","uri":"coaps://dm.example:5684","shortServerId":101,"lifetime":300,"binding":"U","securityMode":"PSK"}"""
                    .formatted(dm), Duration.ofSeconds(30)), 201);
            FleetImport.expect(s.api("POST", "/api/v1/profiles", """
                    {"name":"bench","definition":{"servers":[{"server":"%s"}]}}""".formatted(dm), Duration.ofSeconds(30)), 201);

            Path csv = Files.createTempFile("import-bench-", ".csv");
            try {
                long t0 = System.nanoTime();
                FleetImport.writeCsv(csv, rows, "urn:dev:bench:", "bench");
                Bench.info(String.format("wrote %,d rows (%,d bytes) in %.1f s", rows, Files.size(csv), (System.nanoTime() - t0) / 1e9));

                Bench.Heap before = Bench.Heap.of(s.pid());
                if (jfrPath != null) {
                    Files.deleteIfExists(Path.of(jfrPath));
                    Bench.jdkTool(30, "jcmd", Long.toString(s.pid()), "JFR.start", "name=import", "settings=profile",
                            "filename=" + Path.of(jfrPath).toAbsolutePath());
                }
                ProcCpu.Sample cpuStart = ProcCpu.sample(s.pid(), s.dataDir().toString());
                long start = System.nanoTime();
                String id = FleetImport.upload(s, csv);
                double uploadSeconds = (System.nanoTime() - start) / 1e9;
                Bench.info(String.format("uploaded in %.1f s; job %s", uploadSeconds, id));

                JsonNode job;
                double maxUsed;
                double maxCommitted;
                try (Bench.HeapSampler heapSamples = new Bench.HeapSampler(s.pid(), 500)) {
                    long[] lastReport = {0};
                    job = FleetImport.awaitEnd(s, id, done -> {
                        if (System.nanoTime() - lastReport[0] > 5e9) {
                            lastReport[0] = System.nanoTime();
                            Bench.Heap h = heapSamples.latest();
                            Bench.info(String.format("%,d rows, %.0f rows/s so far, heap used %.0f MB of %.0f MB", done,
                                    done / ((System.nanoTime() - start) / 1e9), h == null ? 0 : h.usedMb(), h == null ? 0 : h.committedMb()));
                        }
                    });
                    maxUsed = heapSamples.maxUsedMb();
                    maxCommitted = heapSamples.maxCommittedMb();
                }
                double total = (System.nanoTime() - start) / 1e9;
                ProcCpu.Sample cpuEnd = ProcCpu.sample(s.pid(), s.dataDir().toString());
                if (jfrPath != null) {
                    Bench.jdkTool(60, "jcmd", Long.toString(s.pid()), "JFR.stop", "name=import");
                }
                Bench.Heap after = Bench.Heap.of(s.pid());
                Instant started = Instant.parse(job.get("startedAt").asString());
                Instant finished = Instant.parse(job.get("finishedAt").asString());
                double jobSeconds = Duration.between(started, finished).toMillis() / 1000.0;
                JsonNode counts = job.get("rows");
                out.println("Import benchmark: " + String.format("%,d", rows) + " rows, generated PSKs (bootstrap + 1 DM server), batch "
                        + batch + ", server -Xmx" + heap);
                out.printf("  job %s: %s%n", job.get("state").asString(), counts);
                out.printf("  upload (spooled, sealed):       %.1f s (%.0f MB/s)%n", uploadSeconds,
                        Files.size(csv) / 1e6 / uploadSeconds);
                out.printf("  job run (started → finished):   %.1f s = %,.0f rows/s%n", jobSeconds, rows / jobSeconds);
                out.printf("  end to end (POST → finished):   %.1f s = %,.0f rows/s%n", total, rows / total);
                double javaCpu = ProcCpu.seconds(cpuEnd.javaTicks() - cpuStart.javaTicks());
                double pgCpu = ProcCpu.seconds(cpuEnd.postgresTicks() - cpuStart.postgresTicks());
                out.printf("  server CPU (upload + job):      java %.1f s + PostgreSQL %.1f s = %.1f µs per row;"
                        + " at 2 cores fully used: %,.0f rows/s%n", javaCpu, pgCpu, (javaCpu + pgCpu) / rows * 1e6,
                        2 * rows / (javaCpu + pgCpu));
                out.printf("  machine load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
                out.printf("  server heap used, max sampled:  %.0f MB (committed max %.0f MB); before %.0f MB, after %.0f MB%n",
                        maxUsed, maxCommitted, before == null ? 0 : before.usedMb(), after == null ? 0 : after.usedMb());
                if (before != null && after != null) {
                    out.printf("  GC: %d collections, %.2f s%n", after.gcCount() - before.gcCount(), after.gcSeconds() - before.gcSeconds());
                }
                if (jfrPath != null && Files.isRegularFile(Path.of(jfrPath))) {
                    out.println("Server CPU profile (JFR):");
                    JfrSummary.print(Path.of(jfrPath), out, 20);
                }
                FleetImport.acknowledgeSecrets(s, id);
                if (!job.get("state").asString().equals("SUCCEEDED") || counts.get("created").asLong() != rows) {
                    System.exit(1);
                }
            } finally {
                Files.deleteIfExists(csv);
            }
        }
    }
}

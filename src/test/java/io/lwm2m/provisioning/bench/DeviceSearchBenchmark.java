package io.lwm2m.provisioning.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device search at fleet scale (issue 16: under 200 ms at 1,000,000 devices): starts the server jar,
 * fills its embedded PostgreSQL with {@code --devices} devices in one statement (IMEI and MAC endpoint
 * names, three profiles, labels on a tenth, a few disabled and deleted, as the import would leave
 * them; no credentials, which a search never reads), then times each shape of search the API and the
 * console's devices page ask for, first page of 50, {@code --repeat} times each, and prints p50/p95/p99
 * and the plan PostgreSQL chose. Exit code 1 when any shape's p99 is over {@code --target}.
 *
 * <pre>./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$PWD/target/bench-classpath.txt" \
 *  &amp;&amp; java -cp "target/test-classes:$(cat target/bench-classpath.txt)" \
 *     io.lwm2m.provisioning.bench.DeviceSearchBenchmark --devices 1000000</pre>
 */
public final class DeviceSearchBenchmark {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("CONSOLE_SESSION=([^;]+)");

    private DeviceSearchBenchmark() {
    }

    /** One shape of search: its name and its query string. */
    record Shape(String name, String query) {
    }

    public static void main(String[] args) throws Exception {
        Bench.Options o = new Bench.Options(args);
        int devices = o.integer("devices", 1_000_000, "devices in the database");
        int repeat = o.integer("repeat", 50, "timed searches per shape (after 5 untimed ones)");
        double target = o.seconds("target", "200ms", "the p99 each shape must stay under");
        Path jar = Path.of(o.string("jar", "target/provisioning-server.jar", "the server under test"));
        boolean keep = o.flag("keep", "keep the server's data dir and log");
        double startup = o.seconds("startup-timeout", "180s", "how long to wait for the server to start");
        if (o.has("help") || !o.unknown().isEmpty()) {
            System.err.println("Options:\n" + o.usage());
            System.exit(o.has("help") ? 0 : 2);
        }
        PrintStream out = System.out;
        try (BenchServer s = BenchServer.create(keep)) {
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
            s.launch(jar, List.of("-Xmx1g"), List.of(), Duration.ofMillis(Math.round(startup * 1000)));
            Connection db = s.jdbc().orElseThrow(() -> new IllegalStateException("the benchmark needs the embedded PostgreSQL"));
            long t0 = System.nanoTime();
            populate(s, db, devices);
            Bench.info(String.format("%,d devices in %.1f s", devices, (System.nanoTime() - t0) / 1e9));
            String session = consoleSession(s);
            boolean met = true;
            out.printf("Device search: %,d devices, first page of 50, %d searches per shape (p99 target %.0f ms)%n", devices, repeat,
                    target * 1000);
            out.printf("  %-34s %-8s %9s %9s %9s %9s%n", "shape", "via", "p50 ms", "p95 ms", "p99 ms", "max ms");
            for (Shape shape : shapes(devices)) {
                double[] api = time(s, "/api/v1/devices?limit=50&" + shape.query(), null, repeat);
                double[] console = time(s, "/console/devices?" + shape.query(), session, repeat);
                met &= report(out, shape.name(), "API", api, target) & report(out, "", "console", console, target);
            }
            out.println("Plans (EXPLAIN ANALYZE of the API's statement):");
            for (Shape shape : shapes(devices)) {
                out.printf("  %s: %s%n", shape.name(), plan(db, shape.query()));
            }
            out.printf("  machine load average at the end: %s%n", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
            if (!met) {
                System.exit(1);
            }
        }
    }

    /**
     * The fleet, as the import would leave it: endpoints in three shapes (IMEI URNs, MAC addresses,
     * serial URNs), profiles in a 6:3:1 mix, every tenth device labelled (a lot of 100, and the line),
     * 1 % disabled and 0.1 % deleted.
     */
    private static void populate(BenchServer s, Connection db, int devices) throws Exception {
        check(s.api("POST", "/api/v1/servers", """
                {"name":"bench-dm","uri":"coaps://dm.example:5684","shortServerId":101,"lifetime":300,"binding":"U","securityMode":"PSK"}""",
                Duration.ofSeconds(30)), 201);
        for (String profile : List.of("line-a", "line-b", "line-c")) {
            check(s.api("POST", "/api/v1/profiles", "{\"name\":\"" + profile + "\",\"definition\":{\"servers\":[{\"server\":\"bench-dm\"}]}}",
                    Duration.ofSeconds(30)), 201);
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("""
                    INSERT INTO devices (endpoint, state, created_at, updated_at, profile_id, labels)
                    SELECT CASE i % 3 WHEN 0 THEN 'urn:imei:35' || lpad(i::text, 13, '0')
                                      WHEN 1 THEN lpad(to_hex(i::bigint * 7919), 12, '0')
                                      ELSE 'urn:dev:ops:acme-' || i END,
                           CASE WHEN i % 1000 = 7 THEN 'DELETED' WHEN i % 100 = 3 THEN 'DISABLED' ELSE 'ACTIVE' END,
                           now(), now(),
                           (SELECT id FROM profiles WHERE name = CASE WHEN i % 10 < 6 THEN 'line-a' WHEN i % 10 < 9 THEN 'line-b'
                                                                      ELSE 'line-c' END),
                           CASE WHEN i % 10 = 0 THEN ARRAY['lot=' || (i / 1000), 'line=' || (i % 3)] ELSE '{}'::text[] END
                    FROM generate_series(1, DEVICES) AS i""".replace("DEVICES", Integer.toString(devices)));
            sql.execute("ANALYZE devices");
        }
    }

    /** Narrow and broad terms of every kind, alone and together, and a page deep into a broad one. */
    private static List<Shape> shapes(int devices) {
        String middle = "urn:imei:35" + String.format("%013d", devices / 2);
        return List.of(
                new Shape("prefix, ~10 devices", "endpointPrefix=" + encode(middle.substring(0, middle.length() - 1))),
                new Shape("prefix, every third device", "endpointPrefix=urn:imei:"),
                new Shape("prefix, every device (urn:)", "endpointPrefix=urn:"),
                new Shape("prefix, none", "endpointPrefix=zzz"),
                new Shape("profile of 60 %", "profile=line-a"),
                new Shape("profile of 10 %", "profile=line-c"),
                new Shape("label of 100 devices", "label=" + encode("lot=" + devices / 2000)),
                new Shape("label of 3 %", "label=" + encode("line=1")),
                new Shape("label, none", "label=" + encode("lot=nope")),
                new Shape("state DISABLED (1 %)", "state=DISABLED"),
                new Shape("state DELETED (0.1 %)", "state=DELETED"),
                new Shape("prefix + profile", "endpointPrefix=urn:dev:ops:acme-1&profile=line-c"),
                new Shape("profile + label + state", "profile=line-a&label=" + encode("line=2") + "&state=ACTIVE"),
                new Shape("prefix + rare label", "endpointPrefix=urn:&label=" + encode("lot=" + devices / 3000)),
                new Shape("page after the middle (prefix)", "endpointPrefix=urn:imei:&after=" + encode(middle)));
    }

    private static double[] time(BenchServer s, String path, String session, int repeat) throws Exception {
        String url = path;
        if (session == null && path.contains("&after=")) {
            // The API pages by opaque cursor: the base64url of the last endpoint.
            int at = path.indexOf("&after=");
            String after = java.net.URLDecoder.decode(path.substring(at + 7), StandardCharsets.UTF_8);
            url = path.substring(0, at) + "&cursor=" + java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(after.getBytes(StandardCharsets.UTF_8));
        }
        double[] millis = new double[repeat];
        for (int i = -5; i < repeat; i++) {
            HttpRequest.Builder request = session == null ? s.request(url)
                    : HttpRequest.newBuilder(URI.create(s.request("/").build().uri().resolve(url).toString()))
                            .header("Cookie", "CONSOLE_SESSION=" + session);
            long start = System.nanoTime();
            HttpResponse<String> response = s.http().send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            double elapsed = (System.nanoTime() - start) / 1e6;
            check(response, 200);
            if (i >= 0) {
                millis[i] = elapsed;
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    private static boolean report(PrintStream out, String shape, String via, double[] sorted, double target) {
        double p99 = percentile(sorted, 0.99);
        out.printf("  %-34s %-8s %9.1f %9.1f %9.1f %9.1f%s%n", shape, via, percentile(sorted, 0.5), percentile(sorted, 0.95), p99,
                sorted[sorted.length - 1], p99 > target * 1000 ? "  OVER TARGET" : "");
        return p99 <= target * 1000;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The plan of the search statement the API runs for a shape, in one line: the indexes used and the time. */
    private static String plan(Connection db, String query) throws Exception {
        Map<String, String> terms = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            terms.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        StringBuilder sql = new StringBuilder("EXPLAIN (ANALYZE, COSTS OFF) SELECT d.id FROM devices d LEFT JOIN profiles p "
                + "ON p.id = d.profile_id WHERE d.state IN (" + (terms.containsKey("state") ? "'" + terms.get("state") + "'"
                : "'ACTIVE', 'DISABLED'") + ")");
        List<String> values = new ArrayList<>();
        if (terms.containsKey("endpointPrefix")) {
            String prefix = terms.get("endpointPrefix");
            sql.append(" AND d.endpoint >= ? AND d.endpoint < ?");
            values.add(prefix);
            values.add(prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1));
        }
        if (terms.containsKey("profile")) {
            sql.append(" AND d.profile_id = (SELECT id FROM profiles WHERE name = ?)");
            values.add(terms.get("profile"));
        }
        if (terms.containsKey("label")) {
            sql.append(" AND d.labels @> ARRAY[?]::text[] AND d.labels <> '{}'");
            values.add(terms.get("label"));
        }
        if (terms.containsKey("after")) {
            sql.append(" AND d.endpoint > ?");
            values.add(terms.get("after"));
        }
        sql.append(" ORDER BY d.endpoint LIMIT 51");
        try (var statement = db.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
                statement.setString(i + 1, values.get(i));
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1).trim());
                }
            }
            return lines.stream().filter(l -> l.contains("Index") || l.contains("Seq Scan") || l.contains("Sort")
                    || l.startsWith("Execution Time")).map(l -> l.replaceAll("\\s+", " ").replaceFirst("^-> ", ""))
                    .reduce((a, b) -> a + " | " + b).orElse("?");
        }
    }

    /** Signs in to the console with the admin key, as its sign-in form does; the session id. */
    private static String consoleSession(BenchServer s) throws Exception {
        HttpResponse<String> page = s.http().send(HttpRequest.newBuilder(s.request("/console/sign-in").build().uri()).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher token = CSRF.matcher(page.body());
        Matcher cookie = SESSION.matcher(String.join(";", page.headers().allValues("Set-Cookie")));
        if (!token.find() || !cookie.find()) {
            throw new IllegalStateException("the sign-in page carries no CSRF token or session");
        }
        String key = java.nio.file.Files.readString(s.dataDir().resolve("initial-admin-key")).trim();
        HttpResponse<String> signedIn = s.http().send(HttpRequest.newBuilder(page.uri())
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "CONSOLE_SESSION=" + cookie.group(1))
                .POST(HttpRequest.BodyPublishers.ofString("key=" + encode(key) + "&_csrf=" + encode(token.group(1)))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher session = SESSION.matcher(String.join(";", signedIn.headers().allValues("Set-Cookie")));
        if (signedIn.statusCode() != 302 || !session.find()) {
            throw new IllegalStateException("console sign-in failed: " + signedIn.statusCode());
        }
        return session.group(1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void check(HttpResponse<String> response, int... expected) {
        for (int status : expected) {
            if (response.statusCode() == status) {
                return;
            }
        }
        throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
}

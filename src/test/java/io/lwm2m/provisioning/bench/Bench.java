package io.lwm2m.provisioning.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Small helpers of the benchmark: progress messages, options, external JDK tools. */
final class Bench {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Bench() {
    }

    /** A thread factory for the load generator's pools: daemon threads named {@code name-N}. */
    static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Californium logs every connector start at INFO: at hundreds of connectors per second, silence it. */
    static void quietLogging() {
        try {
            ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
            context.getLogger("org.eclipse.californium").setLevel(ch.qos.logback.classic.Level.ERROR);
        } catch (ClassCastException | NoClassDefFoundError e) {
            // another SLF4J backend: leave it
        }
    }

    /** A progress message on stderr (the report goes to stdout). */
    static void info(String message) {
        System.err.println("[bench " + LocalTime.now().format(TIME) + "] " + message);
        System.err.flush();
    }

    /**
     * Options as {@code --name value} or {@code --name=value} arguments, falling back to the system
     * property {@code bench.name}, then to the default.
     */
    static final class Options {
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, String> help = new LinkedHashMap<>();

        Options(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    value = "true";
                }
                values.put(name, value);
            }
        }

        boolean has(String name) {
            return values.containsKey(name) || System.getProperty("bench." + name) != null;
        }

        String string(String name, String fallback, String description) {
            help.put(name, description + (fallback == null ? "" : " (default " + fallback + ")"));
            String v = values.containsKey(name) ? values.get(name) : System.getProperty("bench." + name);
            return v == null ? fallback : v;
        }

        int integer(String name, int fallback, String description) {
            return number(name, Integer.toString(fallback), description, Integer::parseInt);
        }

        double decimal(String name, double fallback, String description) {
            return number(name, Double.toString(fallback), description, Double::parseDouble);
        }

        private <T> T number(String name, String fallback, String description, Function<String, T> parse) {
            String v = string(name, fallback, description);
            try {
                return parse.apply(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " wants a number, not '" + v + "'");
            }
        }

        /** Seconds, as "60", "60s", "2m" or "500ms". */
        double seconds(String name, String fallback, String description) {
            String v = string(name, fallback, description).trim().toLowerCase();
            try {
                if (v.endsWith("ms")) {
                    return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
                } else if (v.endsWith("m")) {
                    return Double.parseDouble(v.substring(0, v.length() - 1)) * 60;
                } else if (v.endsWith("s")) {
                    return Double.parseDouble(v.substring(0, v.length() - 1));
                }
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " wants a duration like 60, 60s, 2m or 500ms, not '" + v + "'");
            }
        }

        /** A space-separated list, such as JVM options or server arguments. */
        List<String> words(String name, String description) {
            String v = string(name, "", description + ", space-separated");
            return v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        }

        boolean flag(String name, String description) {
            return Boolean.parseBoolean(string(name, "false", description));
        }

        /** Options given but never asked for. */
        List<String> unknown() {
            List<String> unknown = new ArrayList<>(values.keySet());
            unknown.removeAll(help.keySet());
            return unknown;
        }

        String usage() {
            StringBuilder b = new StringBuilder();
            help.forEach((k, v) -> b.append(String.format("  --%-20s %s%n", k, v)));
            return b.toString();
        }
    }

    /** Runs a JDK tool ({@code jstat}, {@code jcmd}) from this JVM's home, bounded; its output or null. */
    static String jdkTool(long timeoutSeconds, String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", tool).toString());
        command.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            reader.join(2000);
            return p.exitValue() == 0 && out[0] != null ? new String(out[0], StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The server's heap and GC counters from {@code jstat -gc} (reads its perf-data file; no attach). */
    record Heap(double usedMb, double committedMb, long gcCount, double gcSeconds) {

        static Heap of(long pid) {
            String out = jdkTool(15, "jstat", "-gc", Long.toString(pid));
            if (out == null) {
                return null;
            }
            String[] lines = out.trim().split("\n");
            return lines.length < 2 ? null : parse(lines[0], lines[1]);
        }

        /** One sample line of {@code jstat -gc} under its header line; null if it is not one. */
        static Heap parse(String header, String line) {
            String[] names = header.trim().split("\\s+");
            String[] values = line.trim().split("\\s+");
            if (values.length < 2 || values[0].equals(names[0])) {
                return null;
            }
            Map<String, Double> v = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(names.length, values.length); i++) {
                try {
                    v.put(names[i], Double.parseDouble(values[i]));
                } catch (NumberFormatException e) {
                    // "-" for an absent space
                }
            }
            double used = v.getOrDefault("S0U", 0.0) + v.getOrDefault("S1U", 0.0) + v.getOrDefault("EU", 0.0) + v.getOrDefault("OU", 0.0);
            double committed = v.getOrDefault("S0C", 0.0) + v.getOrDefault("S1C", 0.0) + v.getOrDefault("EC", 0.0) + v.getOrDefault("OC", 0.0);
            long count = Math.round(v.getOrDefault("YGC", 0.0) + v.getOrDefault("FGC", 0.0) + v.getOrDefault("CGC", 0.0));
            return new Heap(used / 1024, committed / 1024, count, v.getOrDefault("GCT", 0.0));
        }
    }

    /**
     * Samples the server's heap every {@code intervalMillis} with one {@code jstat -gc <pid> <interval>}
     * process for the whole run: starting a JVM per sample would cost the machine more CPU than
     * the sampling is worth (at two samples a second, a sixth of this 2-core machine).
     */
    static final class HeapSampler implements AutoCloseable {
        private final Process process;
        private final Thread reader;
        private volatile Heap latest;
        private volatile double maxUsedMb;
        private volatile double maxCommittedMb;

        HeapSampler(long pid, long intervalMillis) throws IOException {
            process = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                    "-gc", Long.toString(pid), Long.toString(intervalMillis)).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String header = in.readLine();
                    String line;
                    while (header != null && (line = in.readLine()) != null) {
                        Heap h = Heap.parse(header, line);
                        if (h != null) {
                            latest = h;
                            maxUsedMb = Math.max(maxUsedMb, h.usedMb());
                            maxCommittedMb = Math.max(maxCommittedMb, h.committedMb());
                        }
                    }
                } catch (IOException e) {
                    // the server or jstat ended
                }
            }, "heap-sampler");
            reader.setDaemon(true);
            reader.start();
        }

        /** The last sample, or null before the first. */
        Heap latest() {
            return latest;
        }

        double maxUsedMb() {
            return maxUsedMb;
        }

        double maxCommittedMb() {
            return maxCommittedMb;
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}

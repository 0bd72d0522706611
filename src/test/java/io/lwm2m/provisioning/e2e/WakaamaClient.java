package io.lwm2m.provisioning.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Eclipse Wakaama's example LwM2M client ({@code lwm2mclient}, C, with tinydtls), built unmodified
 * from {@code ../shared/interop} by its {@code build.sh}: a real device nobody on this team wrote. It
 * is driven through its command line ({@code -b} bootstraps; {@code dump /0} prints what it holds).
 */
final class WakaamaClient implements AutoCloseable {

    /** The four builds of {@code shared/interop}. */
    enum Variant {
        V1_0("v1_0", "1.0"),
        V1_1_TLV("v1_1-tlv", "1.1"),
        V1_1_SENML_CBOR("v1_1-senml-cbor", "1.1"),
        V1_1_SENML_JSON("v1_1-senml-json", "1.1");

        final String folder;
        final String lwm2mVersion;

        Variant(String folder, String lwm2mVersion) {
            this.folder = folder;
            this.lwm2mVersion = lwm2mVersion;
        }
    }

    private static volatile Optional<Path> built;

    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer output = new StringBuffer();

    private WakaamaClient(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "wakaama-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The folder holding one {@code <variant>/lwm2mclient} per variant: {@code LWM2M_INTEROP_CLIENTS}
     * if set, else the output of {@code shared/interop/build.sh} (a sibling of this repository),
     * which it runs once (about 15 s of CPU, cached across runs). Empty when neither exists.
     */
    static synchronized Optional<Path> clients() {
        if (built == null) {
            built = locate();
        }
        return built;
    }

    /** Why {@link #clients()} is empty, for the skip message. */
    static String whyAbsent() {
        return "Wakaama interop clients are not available: set LWM2M_INTEROP_CLIENTS to the output folder of "
                + "shared/interop/build.sh, or keep the shared/ folder beside this repository (.ci/run builds them)";
    }

    private static Optional<Path> locate() {
        String configured = System.getenv("LWM2M_INTEROP_CLIENTS");
        if (configured != null && !configured.isBlank()) {
            Path folder = Path.of(configured);
            return Files.isExecutable(folder.resolve("v1_0/lwm2mclient")) ? Optional.of(folder) : Optional.empty();
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            Path script = dir.resolve("shared/interop/build.sh");
            if (Files.isRegularFile(script)) {
                return build(script);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> build(Path script) {
        try {
            Process build = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            String log = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("shared/interop/build.sh failed (needs gcc, cmake, autoconf, automake, "
                        + "libtool; Debian: build-essential cmake ninja-build autoconf automake libtool):\n" + log);
            }
            List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
            return Optional.of(Path.of(lines.get(lines.size() - 1).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a client that bootstraps ({@code -b}) from {@code host:port}: over DTLS with this PSK, or
     * over plain CoAP when {@code pskIdentity} is null.
     */
    static WakaamaClient bootstrap(Variant variant, int port, String endpoint, String pskIdentity, byte[] pskKey) {
        Path binary = clients().orElseThrow(() -> new IllegalStateException(whyAbsent())).resolve(variant.folder + "/lwm2mclient");
        // The local port is free when chosen, but another socket of a parallel test may take it before the
        // client binds it (the client binds every address, the check only loopback): then it says so and
        // exits at once, and a new port is tried.
        for (int attempt = 1; ; attempt++) {
            // stdbuf: its stdout is a pipe here, which C buffers in 4 KB blocks; line by line the dumps arrive at once.
            List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", binary.toString(), "-4", "-b", "-h", "127.0.0.1", "-p",
                    Integer.toString(port), "-n", endpoint, "-l", Integer.toString(freeUdpPort())));
            if (pskIdentity != null) {
                command.addAll(List.of("-i", pskIdentity, "-s", HexFormat.of().formatHex(pskKey)));
            }
            WakaamaClient client;
            try {
                client = new WakaamaClient(new ProcessBuilder(command).redirectErrorStream(true).start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (client.bound() || attempt == 5) {
                return client;
            }
            client.close();
        }
    }

    /** Waits until the client says it has its socket (true) or could not bind it (false). */
    private boolean bound() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String said = output.toString();
            if (said.contains("started on port")) {
                return true;
            }
            if (said.contains("Failed to open socket")) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return true; // silent: the scenario's own wait says what went wrong, with this output
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one line to the client's command prompt. */
    void command(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client is gone: " + tail(), e);
        }
    }

    /**
     * What the client holds of {@code object} ({@code dump /0}): instance id → its resources' dump
     * text (resource id → the lines between its braces).
     */
    Map<Integer, Map<Integer, String>> dump(int object) throws InterruptedException {
        String marker = "Object not found.";
        int from = output.length();
        command("dump /" + object);
        // The client takes one command per read of its input: the next one waits a moment. An object it
        // lacks answers "Object not found.", which marks the end of the dump before it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long nextMarker = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (output.indexOf(marker, from) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no dump of /" + object + " from the client: " + tail());
            }
            if (System.nanoTime() > nextMarker) {
                command("dump /65000");
                nextMarker = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            Thread.sleep(20);
        }
        return parseDump(output.substring(from, output.indexOf(marker, from)));
    }

    private static final Pattern INSTANCE = Pattern.compile("^Instance (\\d+):$");
    private static final Pattern ID = Pattern.compile("^id: (\\d+)$");

    /**
     * Reads the client's dump: "Instance N:" then one brace block per resource, whose first line is
     * {@code id: R}; a multiple resource nests a block per resource instance.
     */
    static Map<Integer, Map<Integer, String>> parseDump(String text) {
        Map<Integer, Map<Integer, String>> instances = new LinkedHashMap<>();
        Map<Integer, String> resources = null;
        StringBuilder block = null;
        Integer resourceId = null;
        int depth = 0;
        for (String raw : text.split("\\r?\\n")) {
            String line = raw.trim();
            if (line.startsWith("DBG") || line.startsWith(">")) {
                continue;
            }
            Matcher instance = INSTANCE.matcher(line);
            if (depth == 0 && instance.matches()) {
                resources = new LinkedHashMap<>();
                instances.put(Integer.parseInt(instance.group(1)), resources);
            } else if (line.equals("{")) {
                if (depth++ == 0) {
                    block = new StringBuilder();
                    resourceId = null;
                    continue;
                }
            } else if (line.equals("}") && depth > 0) {
                if (--depth == 0 && resources != null && resourceId != null) {
                    resources.putIfAbsent(resourceId, block.toString());
                    continue;
                }
            }
            if (depth > 0 && block != null) {
                Matcher id = ID.matcher(line);
                if (depth == 1 && resourceId == null && id.matches()) {
                    resourceId = Integer.parseInt(id.group(1));
                } else {
                    block.append(raw).append('\n');
                }
            }
        }
        return instances;
    }

    /** The dump text of a string resource's value, as the client prints it. */
    static String string(String value) {
        return "\"" + value + "\"";
    }

    /** How the client prints an opaque value: 16 bytes a line, {@code %02X } each, a space after every fourth. */
    static List<String> opaque(byte[] value) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < value.length; i += 16) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < 16 && i + j < value.length; j++) {
                line.append(String.format("%02X ", value[i + j]));
                if (j % 4 == 3) {
                    line.append(' ');
                }
            }
            lines.add(line.toString().trim());
        }
        return lines;
    }

    /** The client's output so far (its log and command answers). */
    String output() {
        return output.toString();
    }

    /** The last 2,000 characters the client printed. */
    String tail() {
        String all = output.toString();
        return all.length() <= 2000 ? all : all.substring(all.length() - 2000);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

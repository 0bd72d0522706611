package io.lwm2m.provisioning.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server jar as its own process ({@code java -jar}), as a user starts it: on loopback, with the
 * admin API and management ports chosen free here (CoAP, CoAPS and EST over HTTPS on ephemeral ports),
 * its output kept line by line, stopped with SIGTERM as {@code docker stop} and Kubernetes do.
 */
public final class JarProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread pump;
    private final long startedAt = System.nanoTime();
    private final int apiPort;
    private final int managementPort;

    private JarProcess(Path jar, Path workingDirectory, List<String> leading, List<String> arguments, Consumer<String> echo)
            throws IOException {
        this.apiPort = freePort();
        this.managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString()));
        command.addAll(leading);
        command.addAll(List.of("--server.port=" + apiPort, "--management.server.port=" + managementPort,
                "--server.address=127.0.0.1", "--management.server.address=127.0.0.1", "--provisioning.coap.address=127.0.0.1",
                "--provisioning.coap.port=0", "--provisioning.coaps.port=0", "--provisioning.est.https.address=127.0.0.1",
                "--provisioning.est.https.port=0"));
        command.addAll(arguments);
        this.process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
        this.pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    echo.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "jar-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code java -jar <jar> <ports> <arguments>} in {@code workingDirectory}, echoing its output to {@code echo}. */
    public static JarProcess start(Path jar, Path workingDirectory, List<String> arguments, Consumer<String> echo) throws IOException {
        return new JarProcess(jar, workingDirectory, List.of(), arguments, echo);
    }

    /** As {@link #start}, with the jar's {@code serve} command before the arguments ({@code java -jar <jar> serve <ports> ...}). */
    public static JarProcess serve(Path jar, Path workingDirectory, List<String> arguments, Consumer<String> echo) throws IOException {
        return new JarProcess(jar, workingDirectory, List.of("serve"), arguments, echo);
    }

    /** Waits until readiness answers 200 (UP); how long that took since the process was started. */
    public Duration awaitReady(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + String.join("\n", lines));
            }
            try {
                if (OpsServer.get(managementPort, "/actuator/health/readiness").status() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startedAt);
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready within " + timeout + ":\n" + String.join("\n", lines));
    }

    /** Waits for the process to end by itself; its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + timeout + ":\n" + String.join("\n", lines));
        }
        pump.join(5_000);
        return process.exitValue();
    }

    /** SIGTERM (through the ProcessHandle: Process.destroy() would also close the output pipe); the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public int apiPort() {
        return apiPort;
    }

    public int managementPort() {
        return managementPort;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package io.lwm2m.provisioning.e2e;

import io.lwm2m.provisioning.testing.ToolCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libcoap's {@code coap-client} (Debian libcoap3-bin, not our code), built against OpenSSL or
 * GnuTLS, run as a process. Its info-level log shows each PDU it receives; the last one is the answer.
 */
final class CoapClientCli {

    /** The two builds Debian ships. */
    enum Build {
        OPENSSL("coap-client-openssl"), GNUTLS("coap-client-gnutls");

        final String command;

        Build(String command) {
            this.command = command;
        }
    }

    /**
     * The final response code ("2.04"), its payload (what {@code -o} wrote for a success), the
     * diagnostic payload of an error response (which coap-client only logs), and the client's log.
     */
    record Result(String code, byte[] payload, String diagnostic, String log) {

        /** The success payload as text, or the diagnostic of an error. */
        String text() {
            return code != null && code.startsWith("2.") ? new String(payload, StandardCharsets.UTF_8) : diagnostic;
        }

        @Override
        public String toString() {
            return code + " '" + (payload.length < 400 ? text() : payload.length + " bytes") + "'\n" + log;
        }
    }

    private static final Pattern CODE = Pattern.compile("\\bc:(\\d\\.\\d\\d)\\b");

    private final Build build;
    private final List<String> auth = new ArrayList<>();

    private CoapClientCli(Build build) {
        this.build = build;
    }

    static CoapClientCli anonymous(Build build) {
        return new CoapClientCli(build);
    }

    /** PSK: the key must be printable text (coap-client takes it as a string). */
    static CoapClientCli psk(Build build, String identity, String key) {
        TestOutput.rememberSecret(key);
        CoapClientCli client = new CoapClientCli(build);
        client.auth.addAll(List.of("-u", identity, "-k", key));
        return client;
    }

    /** X.509: PEM files of the client's certificate and private key. */
    static CoapClientCli certificate(Build build, Path certificatePem, Path keyPem) {
        CoapClientCli client = new CoapClientCli(build);
        client.auth.addAll(List.of("-c", certificatePem.toString(), "-j", keyPem.toString()));
        return client;
    }

    Result get(String uri, Integer accept) {
        List<String> args = new ArrayList<>(List.of("-m", "get"));
        if (accept != null) {
            args.addAll(List.of("-A", accept.toString()));
        }
        return run(args, uri);
    }

    /** POST {@code body} with Content-Format {@code format}; {@code blockSize} null for libcoap's default. */
    Result post(String uri, byte[] body, int format, Integer accept, Integer blockSize) {
        Path file = temp("body", body);
        List<String> args = new ArrayList<>(List.of("-m", "post", "-t", Integer.toString(format), "-f", file.toString()));
        if (accept != null) {
            args.addAll(List.of("-A", accept.toString()));
        }
        if (blockSize != null) {
            args.addAll(List.of("-b", blockSize.toString()));
        }
        return run(args, uri);
    }

    private Result run(List<String> requestArgs, String uri) {
        Path out = temp("out", new byte[0]);
        ToolCheck.require(build.command, "libcoap3-bin");
        List<String> command = new ArrayList<>(List.of(build.command, "-v", "6", "-B", "20", "-o", out.toString()));
        command.addAll(auth);
        command.addAll(requestArgs);
        command.add(uri);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] log = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(build.command + " did not finish");
            }
            String text = new String(log, StandardCharsets.UTF_8);
            String code = null;
            String diagnostic = "";
            for (String line : text.lines().toList()) {
                // Incoming PDUs are logged as "v:1 t:ACK c:2.05 i:... [options] :: 'payload'".
                Matcher m = CODE.matcher(line);
                if (line.startsWith("v:1") && m.find() && !m.group(1).startsWith("0.")) {
                    code = m.group(1);
                    int payload = line.indexOf(":: '");
                    diagnostic = payload < 0 ? "" : line.substring(payload + 4, line.length() - 1);
                }
            }
            return new Result(code, Files.readAllBytes(out), diagnostic, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path temp(String prefix, byte[] content) {
        try {
            Path file = Files.createTempFile("est-" + prefix, ".bin");
            file.toFile().deleteOnExit();
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

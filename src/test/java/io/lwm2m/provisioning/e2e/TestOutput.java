package io.lwm2m.provisioning.e2e;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything this test JVM prints (the servers' logs included), and every secret the tests were
 * handed, so {@link SecretsNeverLoggedTest} can check that no secret was ever printed.
 */
final class TestOutput {

    private static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private static final Set<String> secrets = ConcurrentHashMap.newKeySet();

    static {
        System.setOut(tee(System.out));
        System.setErr(tee(System.err));
    }

    private TestOutput() {
    }

    /** Installs the capture; call before anything starts logging. */
    static void install() {
        // The static initializer does the work.
    }

    static void rememberSecret(String secret) {
        if (secret != null && secret.length() >= 8) {
            secrets.add(secret);
        }
    }

    static Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    static String captured() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private static PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (captured) {
                    captured.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}

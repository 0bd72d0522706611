package io.lwm2m.provisioning.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * A webhook receiver on loopback, as a subscriber's would be: it records every request (headers and
 * body), checks its Standard Webhooks signature against the secrets it was given (computed here with
 * the JDK's HMAC, not the server's code), and answers as the test says: 204, an error status for a
 * while, a fixed body, or not at all (it holds the request).
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String path, String id, String timestamp, String signature, String contentType, String body, int answered) {

        JsonNode json() {
            return TestServer.JSON.readTree(body);
        }
    }

    private final HttpServer http;
    private final List<Received> received = new ArrayList<>();
    private volatile int status = 204;
    private volatile String answer = "";
    private volatile CountDownLatch hold;

    WebhookReceiver() {
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/", this::handle);
        http.setExecutor(Executors.newCachedThreadPool());
        http.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    /** Answer every request with {@code status} and {@code body} from now on. */
    WebhookReceiver answering(int status, String body) {
        this.status = status;
        this.answer = body == null ? "" : body;
        return this;
    }

    /** Hold every request from now on (no answer) until {@link #release()}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch latch = hold;
        hold = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        CountDownLatch latch = hold;
        int answeredWith = latch != null ? 0 : status;
        synchronized (received) {
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8), answeredWith));
            received.notifyAll();
        }
        if (latch != null) {
            try {
                latch.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answeredWith, answeredWith == 204 || out.length == 0 ? -1 : out.length);
        if (answeredWith != 204 && out.length > 0) {
            exchange.getResponseBody().write(out);
        }
        exchange.close();
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The requests answered with a 2xx: what the subscriber took. */
    List<Received> accepted() {
        return received().stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
    }

    /** Waits until {@code enough} holds for the requests received so far. */
    List<Received> await(Predicate<List<Received>> enough, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (!enough.test(List.copyOf(received))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the webhook did not receive what was expected within " + timeout + "; it got "
                            + received.stream().map(r -> r.answered() + " " + r.body()).toList());
                }
                received.wait(left);
            }
            return List.copyOf(received);
        }
    }

    /** Whether one of the request's signatures is HMAC-SHA256(secret, id.timestamp.body), as Standard Webhooks signs. */
    static boolean signedWith(Received request, String secret) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String expected = Base64.getEncoder().encodeToString(mac.doFinal((request.id() + "." + request.timestamp() + "."
                    + request.body()).getBytes(StandardCharsets.UTF_8)));
            for (String signature : request.signature().split(" ")) {
                if (signature.equals("v1," + expected)) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        http.stop(0);
    }
}

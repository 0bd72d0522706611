package io.lwm2m.provisioning.e2e;

import io.lwm2m.provisioning.ProvisioningServerApplication;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import io.lwm2m.provisioning.bootstrap.transport.BootstrapEndpoints;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole server, started as {@code java -jar} would start it (embedded PostgreSQL in its data
 * dir), on loopback with ephemeral ports, and a small HTTP client for its API.
 */
final class TestServer implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestServer shared;

    private final Path dataDir;
    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Path dataDir, Map<String, Object> extraProperties) {
        TestOutput.install();
        this.dataDir = dataDir;
        Map<String, Object> properties = new HashMap<>();
        properties.put("provisioning.data-dir", dataDir.toString());
        properties.put("server.port", 0);
        properties.put("provisioning.coap.address", "127.0.0.1");
        properties.put("provisioning.coap.port", 0);
        properties.put("provisioning.coaps.port", 0);
        properties.put("provisioning.est.https.port", 0);
        properties.put("provisioning.est.https.address", "127.0.0.1");
        properties.put("provisioning.bootstrap.request-timeout", "3s");
        properties.put("provisioning.bootstrap.session-timeout", "30s");
        // Every test client comes from 127.0.0.1; RateLimitTest checks the limit on its own server.
        properties.put("provisioning.bootstrap.max-failures-per-source", 100_000);
        properties.putAll(extraProperties);
        // As command-line arguments: they override application.yml, as an operator's would.
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        this.context = new SpringApplicationBuilder(ProvisioningServerApplication.class).run(args);
        TestDataDirectories.closeAtExit(this);
        // A replica joining an existing database creates no admin key, and a configured KEK is no file.
        if (Files.exists(dataDir.resolve("initial-admin-key"))) {
            TestOutput.rememberSecret(adminKey());
        }
        if (Files.exists(dataDir.resolve("kek"))) {
            TestOutput.rememberSecret(read(dataDir.resolve("kek")));
        }
    }

    /** A server on a fresh data dir, shared by the tests of this JVM; never stopped by them. */
    static synchronized TestServer shared() {
        if (shared == null) {
            shared = start(newDataDir());
        }
        return shared;
    }

    static TestServer start(Path dataDir) {
        return new TestServer(dataDir, Map.of());
    }

    static TestServer start(Path dataDir, Map<String, Object> properties) {
        return new TestServer(dataDir, properties);
    }

    /** A fresh data dir, deleted when the test JVM exits. */
    static Path newDataDir() {
        return TestDataDirectories.create("provisioning-e2e-");
    }

    Path dataDir() {
        return dataDir;
    }

    String adminKey() {
        return read(dataDir.resolve("initial-admin-key")).trim();
    }

    InetSocketAddress coaps() {
        return context.getBean(BootstrapEndpoints.class).coapsAddress();
    }

    InetSocketAddress coap() {
        return context.getBean(BootstrapEndpoints.class).coapAddress();
    }

    /**
     * Sessions in progress, once any whose end is already recorded has left: a session records its
     * end in the database just before it leaves the manager's map, so a test that saw the recorded end
     * waits up to two seconds for the map to follow.
     */
    int runningSessions() {
        BootstrapSessionManager manager = context.getBean(BootstrapSessionManager.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (manager.runningSessions() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return manager.runningSessions();
    }

    /**
     * For a test that holds a transaction open in this server and sends a request meanwhile: returns
     * once the request waits for a lock in PostgreSQL (any backend but the caller's), or has answered.
     * May run inside the held transaction.
     */
    void awaitLockWaitOrDone(java.util.concurrent.CompletableFuture<?> call) {
        awaitLockWaitsOrDone(1, call);
    }

    /** As {@link #awaitLockWaitOrDone}, until {@code waiters} backends (this request's and earlier ones) wait. */
    void awaitLockWaitsOrDone(int waiters, java.util.concurrent.CompletableFuture<?> call) {
        org.springframework.jdbc.core.JdbcTemplate jdbc = bean(org.springframework.jdbc.core.JdbcTemplate.class);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!call.isDone() && System.nanoTime() < deadline) {
            // Inside the held transaction, pg_stat_activity would otherwise show its first view forever.
            jdbc.queryForList("SELECT pg_stat_clear_snapshot()");
            Integer waiting = jdbc.queryForObject("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()""",
                    Integer.class);
            if (waiting != null && waiting >= waiters) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        org.assertj.core.api.Assertions.assertThat(call).as("the request neither answered nor waited for a lock").isDone();
    }

    /**
     * Runs {@code work} in one transaction of this server, committed when it returns: for a test that
     * holds rows locked while its requests arrive.
     */
    void inTransaction(java.util.function.Consumer<org.springframework.transaction.TransactionStatus> work) {
        new org.springframework.transaction.support.TransactionTemplate(
                bean(org.springframework.transaction.PlatformTransactionManager.class)).executeWithoutResult(work);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    org.springframework.boot.web.server.WebServer webServer() {
        return ((WebServerApplicationContext) context).getWebServer();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** An API call with the admin key. */
    ApiResponse call(String method, String path, String jsonBody) {
        return call(method, path, jsonBody, "Bearer " + adminKey());
    }

    /** An API call with the given Authorization header (null: none). */
    ApiResponse call(String method, String path, String jsonBody, String authorization) {
        HttpRequest.Builder request = request(method, path, jsonBody);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    /** An API call with the admin key and one extra header. */
    ApiResponse callWithHeader(String method, String path, String jsonBody, String header, String value) {
        return send(request(method, path, jsonBody).header("Authorization", "Bearer " + adminKey()).header(header, value));
    }

    /**
     * A call with a raw body of {@code contentType} and extra headers (name, value, ...); with the
     * admin key unless the headers carry an Authorization of their own.
     */
    ApiResponse upload(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        boolean ownAuthorization = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            ownAuthorization |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (!ownAuthorization) {
            request.header("Authorization", "Bearer " + adminKey());
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /** A GET without API key, with an Accept header. */
    ApiResponse callWithAccept(String path, String accept) {
        return send(request("GET", path, null).header("Accept", accept));
    }

    private HttpRequest.Builder request(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return request;
    }

    private ApiResponse send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiResponse(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP answer of the API. */
    record ApiResponse(int status, String contentType, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }
}

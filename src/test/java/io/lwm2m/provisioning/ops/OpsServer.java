package io.lwm2m.provisioning.ops;

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
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole server as {@code java -jar} starts it (embedded PostgreSQL in its data dir), on
 * loopback with ephemeral ports, the management (actuator) port included, and a small HTTP client
 * for its API and its actuator.
 */
public final class OpsServer implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dataDir;
    private final ConfigurableApplicationContext context;
    private volatile int managementPort = -1;

    private OpsServer(Path dataDir, Map<String, Object> extraProperties) {
        this.dataDir = dataDir;
        Map<String, Object> properties = new HashMap<>();
        properties.put("provisioning.data-dir", dataDir.toString());
        properties.put("server.port", 0);
        properties.put("management.server.port", 0);
        properties.put("provisioning.coap.address", "127.0.0.1");
        properties.put("provisioning.coap.port", 0);
        properties.put("provisioning.coaps.port", 0);
        properties.put("provisioning.est.https.port", 0);
        properties.put("provisioning.bootstrap.request-timeout", "3s");
        properties.put("provisioning.bootstrap.session-timeout", "30s");
        properties.put("provisioning.bootstrap.max-failures-per-source", 100_000);
        properties.putAll(extraProperties);
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ApplicationListener<ApplicationEvent> ports = event -> {
            if (event instanceof WebServerInitializedEvent initialized
                    && "management".equals(initialized.getApplicationContext().getServerNamespace())) {
                managementPort = initialized.getWebServer().getPort();
            }
        };
        this.context = new SpringApplicationBuilder(ProvisioningServerApplication.class).listeners(ports).run(args);
        TestDataDirectories.closeAtExit(this);
    }

    public static OpsServer start(Path dataDir) {
        return new OpsServer(dataDir, Map.of());
    }

    public static OpsServer start(Path dataDir, Map<String, Object> properties) {
        return new OpsServer(dataDir, properties);
    }

    /** A fresh data dir, deleted when the test JVM exits. */
    public static Path newDataDir() {
        return TestDataDirectories.create("provisioning-ops-");
    }

    /** Deletes a data dir of a stopped server; best effort. */
    public static void delete(Path dir) {
        TestDataDirectories.delete(dir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public String adminKey() {
        try {
            return Files.readString(dataDir.resolve("initial-admin-key")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress coaps() {
        return context.getBean(BootstrapEndpoints.class).coapsAddress();
    }

    public int runningSessions() {
        return context.getBean(BootstrapSessionManager.class).runningSessions();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int apiPort() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public int managementPort() {
        if (managementPort <= 0) {
            throw new IllegalStateException("the management server did not start");
        }
        return managementPort;
    }

    /** An API call with the admin key. */
    public Response call(String method, String path, String jsonBody) {
        HttpRequest.Builder request = request(URI.create("http://127.0.0.1:" + apiPort() + path), method, jsonBody);
        request.header("Authorization", "Bearer " + adminKey());
        return send(request);
    }

    /** A GET on the API port without credentials. */
    public Response getApi(String path) {
        return send(request(URI.create("http://127.0.0.1:" + apiPort() + path), "GET", null));
    }

    /** A GET on the management port, without credentials (as Kubernetes and Prometheus do). */
    public Response management(String path) {
        return get(managementPort(), path);
    }

    static Response get(int port, String path) {
        return send(request(URI.create("http://127.0.0.1:" + port + path), "GET", null));
    }

    private static HttpRequest.Builder request(URI uri, String method, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return request;
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
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

    /** An HTTP answer. */
    public record Response(int status, String contentType, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }
}

package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CommandFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API over {@code java.net.http}, as the operator commands use it: JSON in and out, the API
 * key as a bearer token, and every refusal turned into one line that says what to do (the
 * problem+json detail of the server, or why it could not be reached).
 */
final class AdminApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    AdminApi(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    URI base() {
        return base;
    }

    /** A path segment: endpoint names may hold {@code :} and {@code @}, which stay readable; anything else is encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":").replace("%40", "@");
    }

    JsonNode get(String path) {
        return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofString()));
    }

    /** A POST with a JSON body (null: none). */
    JsonNode post(String path, String json) {
        HttpRequest.Builder request = request(path);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return json(send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Streams {@code file} as the body of a POST; the answer's status and JSON. */
    HttpResponse<String> upload(String path, Path file, String contentType, String idempotencyKey) throws IOException {
        HttpRequest.Builder request = request(path).timeout(Duration.ofHours(2)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofFile(file));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return checked(send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** A GET whose body is streamed (the secrets file, NDJSON rows, the CRL). */
    HttpResponse<InputStream> stream(String path, String accept) {
        HttpResponse<InputStream> response = send(request(path).timeout(Duration.ofHours(1)).header("Accept", accept).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 300) {
            try (InputStream body = response.body()) {
                throw refusal(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8), path);
            } catch (IOException e) {
                throw new CommandFailedException("GET " + path + " answered " + response.statusCode());
            }
        }
        return response;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        HttpRequest built = request.build();
        try {
            return http.send(built, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CommandFailedException("cannot reach the API at " + base + " (is the server running? set --api or "
                    + ApiOptions.URL_ENV + ")");
        } catch (IOException e) {
            throw new CommandFailedException(built.method() + " " + built.uri().getPath() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted");
        }
    }

    private static <T> HttpResponse<T> checked(HttpResponse<T> response) {
        if (response.statusCode() >= 300) {
            throw refusal(response.statusCode(), String.valueOf(response.body()), response.uri().getPath());
        }
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        checked(response);
        if (response.body() == null || response.body().isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new CommandFailedException(response.uri().getPath() + " answered something that is not JSON");
        }
    }

    /** A refused call in one line: its status and the server's problem+json detail, with what to do for 401 and 403. */
    static CommandFailedException refusal(int status, String body, String path) {
        String detail = body;
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem != null && problem.has("detail")) {
                detail = problem.get("detail").asString();
            } else if (problem != null && problem.has("title")) {
                detail = problem.get("title").asString();
            }
        } catch (JacksonException e) {
            // not problem+json: the body as it is
        }
        String advice = switch (status) {
            case 401 -> " (the API key was not accepted: check " + ApiOptions.KEY_ENV + " or --api-key-file)";
            case 403 -> " (the API key's role may not do this)";
            default -> "";
        };
        return new CommandFailedException(path + " answered " + status + ": " + detail.strip() + advice);
    }
}

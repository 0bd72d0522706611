package io.lwm2m.provisioning.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** HTTP calls whose headers matter (Link, X-Request-Id, Allow): the admin API's pages and protocol details. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    private Http() {
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET with the admin key of {@code server} on {@code pathOrUrl} (a path, or an absolute URL from a Link). */
    static HttpResponse<String> get(TestServer server, String pathOrUrl) {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : server.baseUrl() + pathOrUrl;
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + server.adminKey()));
    }

    /** The URL of the next page, from the Link header. */
    static Optional<String> next(HttpResponse<String> response) {
        return response.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find).map(m -> m.group(1));
    }

    /** Every item of a list, page after page, as the Link headers lead. */
    static List<JsonNode> walk(TestServer server, String firstPage) {
        List<JsonNode> items = new ArrayList<>();
        Optional<String> page = Optional.of(firstPage);
        while (page.isPresent()) {
            HttpResponse<String> response = get(server, page.get());
            if (response.statusCode() != 200) {
                throw new AssertionError(response.statusCode() + " " + response.body());
            }
            TestServer.JSON.readTree(response.body()).valueStream().forEach(items::add);
            page = next(response);
        }
        return items;
    }
}

package io.lwm2m.provisioning.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console as a plain HTTP client sees it: a session cookie kept by hand (redirects not followed, so
 * that each answer's status and headers can be checked), and the CSRF token a page carries.
 */
final class ConsoleSession {

    static final String COOKIE = "CONSOLE_SESSION";
    private static final Pattern SESSION = Pattern.compile(COOKIE + "=([^;]+)");
    private static final Pattern FORM_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern META_TOKEN = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    String sessionId;

    ConsoleSession(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Signs in with an API key as the sign-in page's form does; returns the answer (302 to the console when it worked). */
    HttpResponse<String> signIn(String key) {
        String token = token(get("/console/sign-in").body());
        return post("/console/sign-in", "key=" + encode(key) + "&_csrf=" + encode(token));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** A form POST, with whatever token {@code form} carries (or none). */
    HttpResponse<String> post(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        if (sessionId != null) {
            request.header("Cookie", COOKIE + "=" + sessionId);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                Matcher session = SESSION.matcher(cookie);
                if (session.find()) {
                    sessionId = session.group(1).isEmpty() ? null : session.group(1);
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The CSRF token of a page: a form's hidden field, or the meta tag the page's script reads. */
    static String token(String page) {
        Matcher form = FORM_TOKEN.matcher(page);
        if (form.find()) {
            return form.group(1);
        }
        Matcher meta = META_TOKEN.matcher(page);
        if (meta.find()) {
            return meta.group(1);
        }
        throw new AssertionError("the page carries no CSRF token");
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

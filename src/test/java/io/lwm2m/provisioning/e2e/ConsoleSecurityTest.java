package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The console's protections over plain HTTP: a CSRF token on every state change (every one the
 * application maps under {@code /console}, found in its request mappings, so a new one is covered by
 * itself), the Content-Security-Policy and other headers on every page, the session cookie's flags, a
 * new session at sign-in, the idle timeout Tomcat enforces, and a session ending with its API key.
 */
class ConsoleSecurityTest {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
    }

    /** Every POST, PUT, PATCH and DELETE the console maps, with its path variables filled in. */
    private static List<String> stateChanges() {
        List<String> paths = new ArrayList<>();
        RequestMappingHandlerMapping mappings = server.bean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            if (methods.stream().anyMatch(m -> m != RequestMethod.GET && m != RequestMethod.HEAD && m != RequestMethod.OPTIONS)) {
                info.getPatternValues().stream().filter(p -> p.startsWith("/console"))
                        .map(p -> p.replaceAll("\\{[^}]+}", "x")).forEach(paths::add);
            }
        }
        paths.add("/console/sign-out"); // Spring Security's own
        return paths;
    }

    @Test
    void everyStateChangeWithoutAValidCsrfTokenIsRefused() {
        List<String> changes = stateChanges();
        assertThat(changes).as("the console's state changes").hasSizeGreaterThanOrEqualTo(15)
                .contains("/console/sign-in", "/console/devices/x/rotate", "/console/devices/x/revoke", "/console/imports",
                        "/console/imports/x/cancel", "/console/api-keys");
        ConsoleSession admin = new ConsoleSession(server.baseUrl());
        assertThat(admin.signIn(server.adminKey()).statusCode()).isEqualTo(302);
        String token = ConsoleSession.token(admin.get("/console/devices").body());
        for (String path : changes) {
            assertThat(admin.post(path, "target=all&reason=keyCompromise").statusCode()).as("POST " + path + " without a token")
                    .isEqualTo(403);
            assertThat(admin.post(path, "_csrf=" + ConsoleSession.encode(token.substring(1) + "A")).statusCode())
                    .as("POST " + path + " with a wrong token").isEqualTo(403);
        }
        // With its token the same session gets past the check: the refusal above was the missing token's.
        HttpResponse<String> withToken = admin.post("/console/devices/x/disable", "_csrf=" + ConsoleSession.encode(token));
        assertThat(withToken.statusCode()).isEqualTo(404);
        assertThat(admin.get("/console/devices").statusCode()).as("the session survived").isEqualTo(200);
    }

    @Test
    void everyPageCarriesTheContentSecurityPolicyAndRefusesFramingAndCaching() {
        ConsoleSession admin = new ConsoleSession(server.baseUrl());
        admin.signIn(server.adminKey());
        for (String path : List.of("/console/sign-in", "/console", "/console/devices", "/console/imports", "/console/profiles",
                "/console/certificates", "/console/audit", "/console/api-keys", "/console/devices/no-such-device")) {
            HttpResponse<String> page = admin.get(path);
            assertThat(page.statusCode()).as(path).isIn(200, 404);
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(path).hasValue(CSP);
            assertThat(page.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(page.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(page.headers().firstValue("Cache-Control").orElse("")).as(path).contains("no-store");
            assertThat(page.body()).as(path + ": no inline script or style, no event handler attribute")
                    .doesNotContainPattern("<script>|<script [^>]*>[^<]|<style|\\son[a-z]+=\"| style=\"|javascript:");
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictToTheConsoleAndRenewedAtSignIn() {
        ConsoleSession person = new ConsoleSession(server.baseUrl());
        HttpResponse<String> signInPage = person.get("/console/sign-in");
        String before = person.sessionId;
        String cookie = signInPage.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("CONSOLE_SESSION="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("; Path=/console").contains("; HttpOnly").contains("; SameSite=Strict")
                .as("not Secure over plain HTTP: Tomcat adds it for HTTPS, provisioning.console.secure-cookie behind a proxy")
                .doesNotContain("Secure");

        assertThat(person.signIn(server.adminKey()).headers().firstValue("Location").orElse("")).endsWith("/console");
        assertThat(person.sessionId).as("sign-in starts a new session id").isNotNull().isNotEqualTo(before);
        assertThat(person.get("/console").statusCode()).isEqualTo(200);
        assertThat(maxInactiveInterval(person.sessionId)).as("the idle timeout Tomcat enforces, in seconds").isEqualTo(15 * 60);
        assertThat(server.call("GET", "/api/v1/devices", null, null).status())
                .as("the API stays stateless: no session reaches it").isEqualTo(401);
    }

    /**
     * The idle timeout as Tomcat enforces it: this one session's limit is shortened to a second (the
     * setting's own minimum is a minute; the test above checks that the setting reaches every session).
     */
    @Test
    void aSessionIdleLongerThanItsTimeoutEndsAndTheNextRequestSignsInAgain() throws Exception {
        ConsoleSession person = new ConsoleSession(server.baseUrl());
        person.signIn(server.adminKey());
        assertThat(person.get("/console/devices").statusCode()).isEqualTo(200);
        session(person.sessionId).setMaxInactiveInterval(1);
        Thread.sleep(2_500);
        HttpResponse<String> idle = person.get("/console/devices");
        assertThat(idle.statusCode()).isEqualTo(302);
        String location = idle.headers().firstValue("Location").orElse("");
        assertThat(location).endsWith("/console/sign-in?session-ended");
        assertThat(person.get(location.substring(location.indexOf("/console"))).body()).contains("id=\"key-sign-in\"")
                .contains("Your session has ended");
    }

    @Test
    void revokingTheApiKeyASessionSignedInWithEndsTheSession() {
        var key = ApiKeys.create(server, "auditor", null);
        ConsoleSession person = new ConsoleSession(server.baseUrl());
        person.signIn(key.get("key").asString());
        assertThat(person.get("/console/audit").statusCode()).isEqualTo(200);
        assertThat(server.call("DELETE", "/api/v1/api-keys/" + key.get("id").asLong(), null).status()).isEqualTo(200);
        HttpResponse<String> after = person.get("/console/audit");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location").orElse("")).endsWith("/console/sign-in?key-ended");
    }

    @Test
    void aRoleWithoutAccessGetsA403PageAndNeverTheData() {
        ConsoleSession auditor = new ConsoleSession(server.baseUrl());
        auditor.signIn(ApiKeys.create(server, "auditor", null).get("key").asString());
        HttpResponse<String> keys = auditor.get("/console/api-keys");
        assertThat(keys.statusCode()).isEqualTo(403);
        assertThat(keys.body()).contains("403").doesNotContain("id=\"api-keys\"");
        ConsoleSession operator = new ConsoleSession(server.baseUrl());
        operator.signIn(ApiKeys.create(server, "operator", null).get("key").asString());
        assertThat(operator.get("/console/audit").statusCode()).isEqualTo(403);
        assertThat(operator.get("/console/devices").body()).doesNotContain("href=\"/console/audit\"");
        assertThat(Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/devices"))).uri().getPath())
                .as("without a session").isEqualTo("/console/sign-in");
    }

    private static int maxInactiveInterval(String sessionId) {
        return session(sessionId).getMaxInactiveInterval();
    }

    private static Session session(String sessionId) {
        TomcatWebServer tomcat = (TomcatWebServer) server.webServer();
        Context context = (Context) tomcat.getTomcat().getHost().findChildren()[0];
        try {
            Session session = context.getManager().findSession(sessionId);
            assertThat(session).as("Tomcat's session " + sessionId).isNotNull();
            return session;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

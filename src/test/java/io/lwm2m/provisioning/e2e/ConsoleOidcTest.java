package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Signing in to the console at the OpenID Connect issuer the API trusts for JWTs, in a real browser:
 * the issuer is another site ({@code localhost}) than the console ({@code 127.0.0.1}), so the Strict
 * session cookie does not come back with its redirect, as with a real identity provider. The person's
 * roles are the ID token's, by the API's rules.
 */
@RequiresTool(value = ConsoleBrowser.CHROMIUM, debianPackage = "chromium")
@RequiresTool(value = ConsoleBrowser.CHROMEDRIVER, debianPackage = "chromium-driver")
class ConsoleOidcTest {

    private static TestIssuer issuer;
    private static TestServer server;
    private static ConsoleBrowser browser;

    @BeforeAll
    static void start() {
        issuer = new TestIssuer("console", "s3cret-of-the-console");
        server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.api.jwt.issuer-uri", issuer.issuer(),
                "provisioning.console.oidc.client-id", "console",
                "provisioning.console.oidc.client-secret", "s3cret-of-the-console",
                "provisioning.console.oidc.name", "Test IdP"));
        browser = new ConsoleBrowser(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    private static void signInAtTheIssuer() {
        browser.open("/console/sign-in");
        browser.driver.manage().deleteAllCookies();
        browser.open("/console/sign-in");
        assertThat(browser.find("#oidc-sign-in").getText()).isEqualTo("Sign in with Test IdP");
        browser.find("#oidc-sign-in").click();
    }

    @Test
    void aPersonSignsInAtTheIssuerWithTheRolesOfItsToken() {
        issuer.signInAs("alice", List.of("security-officer"));
        signInAtTheIssuer();
        browser.until(30, () -> browser.path().equals("/console") && browser.has("header.top .who"));
        assertThat(browser.find(".who-name").getText()).isEqualTo("alice");
        assertThat(browser.find("header.top .who .badge").getText()).isEqualTo("security-officer");
        assertThat(browser.has("header.top nav a[href='/console/audit']")).isTrue();
        assertThat(browser.has("header.top nav a[href='/console/api-keys']")).as("not an admin").isFalse();
        browser.screenshot("oidc-signed-in");

        JsonNode events = server.call("GET", "/api/v1/audit?action=console.sign-in&actor=jwt:alice", null).json();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("details").get("method").asString()).isEqualTo("openid-connect");
        assertThat(events.get(0).get("role").asString()).isEqualTo("security-officer");

        browser.find("#sign-out").click();
        assertThat(browser.waitFor("#notice").getText()).isEqualTo("You are signed out.");
    }

    @Test
    void aTokenNamingNoRoleOfThisServerSignsInToNothing() {
        issuer.signInAs("mallory", List.of("superuser"));
        signInAtTheIssuer();
        browser.until(30, () -> browser.has("h1"));
        assertThat(browser.find("h1").getText()).isEqualTo("403 Forbidden");
    }

    @Test
    void aCallbackCarryingSomeoneElsesCodeAndStateIsRefused() throws Exception {
        // An attacker's own login, cut short before its callback: the code and state are the attacker's.
        issuer.signInAs("mallory", List.of("admin"));
        ConsoleSession attacker = new ConsoleSession(server.baseUrl());
        HttpResponse<String> toIssuer = attacker.get("/console/oauth2/authorization/oidc");
        assertThat(toIssuer.statusCode()).isEqualTo(302);
        String authorize = toIssuer.headers().firstValue("Location").orElseThrow();
        String stolen = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(authorize)).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("Location").orElseThrow();
        assertThat(stolen).contains("/console/oauth2/code/oidc?code=");

        // The victim's browser is sent there: it lacks the attacker's binding cookie, so no session starts.
        browser.open("/console/sign-in");
        browser.driver.manage().deleteAllCookies();
        browser.open(stolen);
        browser.until(30, () -> browser.path().startsWith("/console/sign-in"));
        assertThat(browser.find("#problem").getText()).contains("Sign-in at the issuer failed");
        browser.open("/console");
        assertThat(browser.path()).startsWith("/console/sign-in");
    }
}

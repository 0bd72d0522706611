package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriUtils;

/**
 * Every console page, as a person with each role meets it: each kept as a screenshot; none carrying
 * key material except the views that show a new secret once; forms answering with the API's own
 * messages; an edit that raced another shown as the conflict it is.
 */
@RequiresTool(value = ConsoleBrowser.CHROMIUM, debianPackage = "chromium")
@RequiresTool(value = ConsoleBrowser.CHROMEDRIVER, debianPackage = "chromium-driver")
class ConsolePagesTest {

    private static final Pattern LINK = Pattern.compile("href=\"(/console[^\"#]*)\"");

    private static TestServer server;
    private static ConsoleBrowser browser;
    private static String dm;
    private static String profile;
    private static Fixtures.Device device;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        browser = new ConsoleBrowser(server.baseUrl());
        dm = Fixtures.server(server, "coaps://dm.example:5684", 172, 300, "U", "PSK", true);
        profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        device = Fixtures.deviceOfProfile(server, profile);
        Fixtures.deviceWith(server, "X509", dm);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aRotationsNewSecretIsShownOnceAndNeverAgain() {
        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString());
        String page = "/console/devices/" + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8);
        browser.open(page).find("#action-rotate").click();
        assertThat(browser.find("#confirm").getText()).isEqualTo("Rotate for " + device.endpoint());
        browser.screenshot("device-rotate-confirm");
        browser.find("#confirm").click();
        String key = browser.waitFor("#secret-key").getText();
        TestOutput.rememberSecret(key);
        assertThat(key).matches("[0-9a-f]{32}");
        assertThat(browser.find("#one-time-warning").getText()).contains("once");
        browser.screenshot("device-rotated");

        browser.open(page);
        assertThat(browser.all("#credentials .badge").stream().map(WebElement::getText)).contains("PENDING", "ACTIVE");
        assertThat(browser.driver.getPageSource()).doesNotContain(key);
        browser.driver.navigate().back();
        assertThat(browser.driver.getPageSource()).as("going back does not bring the secret back from a cache")
                .doesNotContain(key);
    }

    @Test
    void aNewApiKeyIsShownOnceAndTheKeysPageNeverShowsIt() {
        browser.signIn(server.adminKey()).open("/console/api-keys");
        browser.find("#name").sendKeys(Fixtures.unique("line-9"));
        new Select(browser.find("#role")).selectByValue("operator");
        browser.find("#create-key").click();
        String key = browser.waitFor("#new-key-value").getText();
        TestOutput.rememberSecret(key);
        assertThat(key).startsWith("bsk_");
        browser.screenshot("api-key-created");
        assertThat(server.call("GET", "/api/v1/devices?limit=1", null, "Bearer " + key).status()).isEqualTo(200);

        browser.open("/console/api-keys");
        assertThat(browser.driver.getPageSource()).doesNotContain(key).contains(key.substring(0, 10));
        browser.screenshot("api-keys");
    }

    @Test
    void aProfileFormAnswersWithTheApisMessagesAndAnEditThatRacedAnotherIsShownAsAConflict() {
        String definition = "{\"servers\":[{\"server\":\"no-such-server\"}]}";
        TestServer.ApiResponse api = server.call("POST", "/api/v1/profiles", "{\"name\":\"" + Fixtures.unique("bad")
                + "\",\"definition\":" + definition + "}");
        assertThat(api.status()).isEqualTo(400);
        JsonProblem apiProblem = JsonProblem.first(api);

        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString()).open("/console/profiles/new");
        browser.find("#name").sendKeys(Fixtures.unique("console"));
        browser.find("#definition").clear();
        browser.find("#definition").sendKeys(definition);
        browser.find("#save-profile").click();
        assertThat(browser.waitFor("#problems").getText()).contains(apiProblem.field()).contains(apiProblem.message());
        browser.screenshot("profile-form-invalid");

        browser.open("/console/profiles/" + profile);
        browser.screenshot("profile-form");
        // Someone else saves a new version while this form is open.
        TestServer.ApiResponse changed = server.callWithHeader("PUT", "/api/v1/profiles/" + profile,
                "{\"description\":\"changed elsewhere\",\"definition\":{\"servers\":[{\"server\":\"" + dm + "\"}]}}",
                "If-Match", "\"0\"");
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        browser.find("#description").sendKeys("changed here");
        browser.find("#save-profile").click();
        assertThat(browser.waitFor("#conflict").getText()).contains("Conflict").contains("changed since version 0");
        assertThat(browser.find("#current-version").getText()).contains("(1)");
        browser.screenshot("profile-conflict");
        assertThat(server.call("GET", "/api/v1/profiles/" + profile, null).json().get("description").asString())
                .isEqualTo("changed elsewhere");
    }

    /** Every page a link reaches, for the admin: rendered, and no key material in any of them. */
    @Test
    void noPageCarriesKeyMaterial() {
        browser.signIn(server.adminKey());
        ConsoleSession http = new ConsoleSession(server.baseUrl());
        assertThat(http.signIn(server.adminKey()).statusCode()).isEqualTo(302);
        Set<String> visited = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of("/console", "/console/devices/"
                + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8)));
        Set<String> secrets = TestOutput.secrets().stream().filter(s -> s.length() >= 16).collect(java.util.stream.Collectors.toSet());
        assertThat(secrets).as("secrets this JVM's tests created").isNotEmpty();
        while (!queue.isEmpty() && visited.size() < 120) {
            String path = queue.poll();
            if (!visited.add(path)) {
                continue;
            }
            HttpResponse<String> page = http.get(path);
            assertThat(page.statusCode()).as(path).isIn(200, 302);
            String body = page.body();
            assertThat(body).as(path).doesNotContain("PRIVATE KEY");
            for (String secret : secrets) {
                assertThat(body).as(path + " holds a secret").doesNotContain(secret);
            }
            Matcher links = LINK.matcher(body);
            while (links.find()) {
                String link = HtmlUtils.htmlUnescape(links.group(1));
                if (!link.contains("/secrets") && !link.equals("/console/sign-out") && !visited.contains(link)) {
                    queue.add(link);
                }
            }
        }
        assertThat(visited).as("pages crawled").hasSizeGreaterThan(15);
    }

    /** One screenshot of each page not taken by another test, under target/console-screenshots/. */
    @Test
    void everyPageIsKeptAsAScreenshot() {
        browser.signIn(server.adminKey());
        for (String[] page : new String[][] {{"/console/devices", "devices"}, {"/console/profiles", "profiles"},
                {"/console/servers/new", "server-form"}, {"/console/audit", "audit"}, {"/console/audit/verify", "audit-verify"},
                {"/console/profiles/new", "profile-new"}}) {
            browser.open(page[0]);
            assertThat(browser.has("header.top .who")).as(page[0]).isTrue();
            assertThat(browser.find("h1").getText()).as(page[0]).isNotBlank();
            browser.screenshot(page[1]);
        }
        assertThat(browser.open("/console/audit/verify").find("#chain-valid").getText()).contains("intact");
        browser.open("/console/devices?endpointPrefix=" + UriUtils.encodeQueryParam(device.endpoint().substring(0, 16),
                StandardCharsets.UTF_8) + "&profile=" + profile);
        assertThat(browser.all("#device-list tbody tr")).hasSize(1);
        browser.screenshot("devices-search");
        browser.open("/console/devices/no-such-device");
        assertThat(browser.find("h1").getText()).isEqualTo("404 Not Found");
        browser.screenshot("not-found");
    }

    /** The first field problem of an API answer. */
    record JsonProblem(String field, String message) {
        static JsonProblem first(TestServer.ApiResponse response) {
            var error = response.json().get("errors").get(0);
            return new JsonProblem(error.get("field").asString(), error.get("message").asString());
        }
    }
}

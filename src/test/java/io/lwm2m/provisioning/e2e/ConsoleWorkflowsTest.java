package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.ca.CaFactory;
import io.lwm2m.provisioning.ca.GeneratedCa;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.testing.RequiresTool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

/**
 * The console's daily workflows beyond the headline scenarios, each checked against what the
 * API says afterwards: a device's bootstrap session step by step and its failed handshake as Leshan's
 * client and a wrong key left them (and the overview's totals as the meters hold them), a device's next
 * bootstrap previewed from its profile, disable and enable, a manufacturer CA registered and removed, a certificate revoked by serial, an API key
 * with an expiry revoked, the audit log filtered and paged, a DM server form answering with the API's
 * messages.
 */
@RequiresTool(value = ConsoleBrowser.CHROMIUM, debianPackage = "chromium")
@RequiresTool(value = ConsoleBrowser.CHROMEDRIVER, debianPackage = "chromium-driver")
class ConsoleWorkflowsTest {

    private static TestServer server;
    private static ConsoleBrowser browser;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        browser = new ConsoleBrowser(server.baseUrl());
        dm = Fixtures.server(server, "coaps://dm.example:5684", 174, 300, "U", "PSK", true);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private static String page(Fixtures.Device device) {
        return "/console/devices/" + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8);
    }

    @Test
    void aDeviceShowsItsBootstrapSessionStepByStepAndAHandshakeWithAWrongKey() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }
        byte[] wrong = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        try (RawCoapsDevice raw = RawCoapsDevice.pskFrom(InetAddress.getByName("127.0.0.4"), device.identity(), wrong)) {
            assertThat(raw.bootstrapRequest(server.coaps(), true, "ep=" + device.endpoint())).isNull();
        }
        JsonNode recorded = awaitEndedSession(device);
        List<String> operations = recorded.get("steps").valueStream().map(s -> s.get("operation").asString()).toList();
        List<String> codes = recorded.get("steps").valueStream().map(s -> s.get("responseCode").asString()).toList();
        assertThat(operations).as("a whole bootstrap's steps").hasSizeGreaterThan(2);

        browser.signIn(ApiKeys.create(server, "auditor", null).get("key").asString()).open(page(device));
        assertThat(browser.all("#sessions > li")).hasSize(1);
        assertThat(browser.find("#sessions > li .badge").getText()).isEqualTo("SUCCEEDED");
        List<WebElement> steps = browser.all("#sessions table.steps tbody tr");
        assertThat(steps.stream().map(r -> cell(r, 1))).as("every step, as the API recorded them").containsExactlyElementsOf(operations);
        assertThat(steps.stream().map(r -> cell(r, 3))).as("every step's response code").containsExactlyElementsOf(codes);
        assertThat(browser.find("#handshake-failures tbody").getText()).contains("WRONG_KEY").contains("127.0.0.4")
                .contains(device.identity());
        assertThat(browser.driver.getPageSource()).doesNotContain(HexFormat.of().formatHex(device.key()));
        browser.screenshot("device-after-bootstrap");

        // The overview's totals are the meters /actuator/prometheus exports (the same registry).
        MeterRegistry meters = server.bean(MeterRegistry.class);
        double bootstraps = meters.find("provisioning.bootstrap.sessions.ended").tag("outcome", "SUCCEEDED").counters().stream()
                .mapToDouble(Counter::count).sum();
        double wrongKeys = meters.find("provisioning.dtls.handshake.failures").tag("reason", "wrong-key").counters().stream()
                .mapToDouble(Counter::count).sum();
        assertThat(bootstraps).isPositive();
        assertThat(wrongKeys).isPositive();
        browser.open("/console");
        assertThat(browser.find("#figures").getText()).contains(String.format("(%,d since start)", (long) bootstraps));
        WebElement wrongKey = browser.all("#failures tbody tr").stream().filter(r -> cell(r, 0).equals("handshake: wrong-key"))
                .findFirst().orElseThrow(() -> new AssertionError("no wrong-key row in " + browser.find("main").getText()));
        assertThat(cell(wrongKey, 2)).isEqualTo(String.format("%,d", (long) wrongKeys));
        browser.screenshot("overview-after-bootstrap");
    }

    private static String cell(WebElement row, int index) {
        return row.findElements(By.tagName("td")).get(index).getText();
    }

    /** The device's one session once it has ended (its history is written as it ends). */
    private static JsonNode awaitEndedSession(Fixtures.Device device) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode sessions = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/sessions", null).json();
            if (sessions.size() == 1 && sessions.get(0).get("outcome").asString().equals("SUCCEEDED")) {
                return sessions.get(0);
            }
            assertThat(System.nanoTime()).as("the session recorded: " + sessions).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aDevicesNextBootstrapIsPreviewedAsTheApiPlansIt() {
        String profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
        Fixtures.Device device = Fixtures.deviceOfProfile(server, profile);
        JsonNode planned = server.call("GET", "/api/v1/devices/" + device.endpoint() + "/bootstrap-config", null).json();

        browser.signIn(ApiKeys.create(server, "operator", null).get("key").asString()).open("/console/profiles/" + profile);
        browser.find("#preview").sendKeys(device.endpoint());
        browser.find("#preview").submit();
        browser.until(10, () -> browser.all("#device-list tbody tr").size() == 1);
        browser.find("#device-list tbody tr a").click();
        browser.find("#bootstrap-config summary").click();
        JsonNode shown = TestServer.JSON.readTree(browser.find("#bootstrap-config pre").getText());
        assertThat(shown).as("the preview is the API's bootstrap-config").isEqualTo(planned);
        assertThat(shown.toString()).contains("coaps://dm.example:5684");
    }

    @Test
    void aManufacturerCaIsRegisteredFromItsPemAndRemoved() {
        GeneratedCa factory = CaFactory.generate(KeyAlgorithm.EC_P256, "Console Factory", "Console Devices", Duration.ofDays(365),
                Duration.ofDays(365), null, new SecureRandom());
        String name = Fixtures.unique("console-factory");
        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString()).open("/console/certificates");
        // Waited for: it once was not there right after sign-in (a timeout now says which page the browser was on).
        browser.waitFor("#mname").sendKeys(name);
        browser.find("#certificate").sendKeys("not a certificate");
        browser.find("#manufacturer-form button[type=submit]").click();
        assertThat(browser.waitFor("#problems").getText()).contains("certificate");

        browser.find("#mname").clear();
        browser.find("#mname").sendKeys(name);
        browser.find("#certificate").clear();
        browser.find("#certificate").sendKeys(Pem.certificate(factory.issuing()));
        browser.find("#manufacturer-form button[type=submit]").click();
        browser.until(10, () -> browser.find("#manufacturer-cas").getText().contains(name));
        assertThat(manufacturerRow(name).getText()).contains("Console Factory");
        assertThat(manufacturerNames()).contains(name);

        manufacturerRow(name).findElement(By.cssSelector("button[type=submit]")).click();
        browser.until(10, () -> !browser.has("#manufacturer-cas") || !browser.find("#manufacturer-cas").getText().contains(name));
        assertThat(manufacturerNames()).doesNotContain(name);
    }

    private static List<String> manufacturerNames() {
        return server.call("GET", "/api/v1/manufacturer-cas?limit=1000", null).json().findValuesAsString("name");
    }

    private static WebElement manufacturerRow(String name) {
        return browser.all("#manufacturer-cas tbody tr").stream().filter(r -> cell(r, 0).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no manufacturer CA " + name));
    }

    @Test
    void aSecurityOfficerDisablesAndEnablesADeviceEachAfterAConfirmationNamingIt() {
        Fixtures.Device device = Fixtures.device(server, dm);
        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString()).open(page(device));
        browser.find("#action-disable").click();
        assertThat(browser.find("#confirm").getText()).isEqualTo("Disable " + device.endpoint());
        browser.find("#reason").sendKeys("returned for repair");
        browser.find("#confirm").click();
        browser.until(10, () -> browser.find("#device-state").getText().equals("DISABLED"));
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().get("state").asString())
                .isEqualTo("DISABLED");

        browser.find("#action-enable").click();
        assertThat(browser.find("#confirm").getText()).contains(device.endpoint());
        browser.find("#confirm").click();
        browser.until(10, () -> browser.find("#device-state").getText().equals("ACTIVE"));
        assertThat(server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json().get("state").asString())
                .isEqualTo("ACTIVE");
        assertThat(browser.find("#device-audit").getText()).contains("device.disable").contains("device.enable");
    }

    @Test
    void aCertificateIsRevokedBySerialFromTheCertificatesPage() {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        String serial = device.created().get("bootstrapCredential").get("certificateSerial").asString();
        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString())
                .open("/console/certificates?endpoint=" + UriUtils.encodeQueryParam(device.endpoint(), StandardCharsets.UTF_8));
        WebElement row = browser.all("#certificates tbody tr").stream().filter(r -> r.getText().contains(serial)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + serial));
        row.findElement(By.linkText("Revoke")).click();
        assertThat(browser.find("#confirm").getText()).isEqualTo("Revoke " + serial);
        new Select(browser.find("#reason")).selectByValue("cessationOfOperation");
        browser.find("#confirm").click();
        browser.until(10, () -> browser.has("#crl-entries") && browser.all("#crl-entries .crl-serial").stream()
                .anyMatch(e -> e.getText().equals(serial)));
        JsonNode certificate = server.call("GET", "/api/v1/certificates/" + serial, null).json();
        assertThat(certificate.get("status").asString()).as(certificate.toString()).isEqualTo("REVOKED");
    }

    @Test
    void anApiKeyWithAnExpiryIsListedWithItAndRevokedFromTheKeysPage() {
        String name = Fixtures.unique("line-expiring");
        // An admin key of its own, as the other tests here: the suite's tests may have done anything to the initial one.
        browser.signIn(ApiKeys.create(server, "admin", null).get("key").asString()).open("/console/api-keys");
        browser.until(10, () -> browser.path().equals("/console/api-keys") && browser.has("#name"));
        browser.find("#name").sendKeys(name);
        new Select(browser.find("#role")).selectByValue("auditor");
        browser.find("#expires").sendKeys("2099-01-31");
        browser.find("#create-key").click();
        String key = browser.waitFor("#new-key-value").getText();
        TestOutput.rememberSecret(key);
        assertThat(server.call("GET", "/api/v1/audit?limit=1", null, "Bearer " + key).status()).isEqualTo(200);

        browser.open("/console/api-keys");
        assertThat(browser.path()).as("the page the browser shows (%s)", browser.title()).isEqualTo("/console/api-keys");
        WebElement row = keyRow(name);
        assertThat(text(row)).contains("2099-01-31").contains("ACTIVE");
        row.findElement(By.linkText("Revoke")).click();
        assertThat(browser.find("#confirm").getText()).isEqualTo("Revoke " + name);
        browser.find("#confirm").click();
        // The confirmation's POST navigates back to the list: until then the browser still shows the confirmation.
        browser.until(10, () -> browser.path().equals("/console/api-keys")
                && shownKeyRow(name).filter(r -> text(r).contains("REVOKED")).isPresent());
        assertThat(server.call("GET", "/api/v1/audit?limit=1", null, "Bearer " + key).status()).as("the revoked key").isEqualTo(401);
    }

    /** The key's row, by its name cell's text content: with a suite's worth of keys the row is far below the window. */
    private static WebElement keyRow(String name) {
        return shownKeyRow(name).orElseThrow(() -> {
            List<WebElement> rows = browser.all("#api-keys tbody tr");
            return new AssertionError("no key " + name + " among " + rows.size() + " rows of " + browser.path()
                    + (rows.isEmpty() ? "" : ", the last: " + text(rows.get(rows.size() - 1)).strip()));
        });
    }

    private static Optional<WebElement> shownKeyRow(String name) {
        return browser.all("#api-keys tbody tr").stream()
                .filter(r -> name.equals(text(r.findElement(By.cssSelector("td"))).strip())).findFirst();
    }

    private static String text(WebElement element) {
        return element.getAttribute("textContent");
    }

    @Test
    void theAuditLogFiltersByActionAndPagesBackInTime() {
        for (int i = 0; i < 3; i++) {
            Fixtures.device(server, dm);
        }
        browser.signIn(ApiKeys.create(server, "auditor", null).get("key").asString()).open("/console/audit");
        browser.find("#action").sendKeys("device.*");
        browser.find("#audit-filter button[type=submit]").click();
        browser.until(10, () -> browser.path().contains("action=device."));
        List<String> actions = column(3);
        assertThat(actions).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("device."));
        List<Long> ids = column(0).stream().map(Long::valueOf).toList();
        assertThat(ids).as("newest first").isSortedAccordingTo((a, b) -> Long.compare(b, a));
        if (browser.has("#older-events")) {
            browser.find("#older-events").click();
            browser.until(10, () -> browser.path().contains("before="));
            assertThat(column(0).stream().map(Long::valueOf)).allSatisfy(id -> assertThat(id).isLessThan(ids.get(ids.size() - 1)));
            assertThat(column(3)).allSatisfy(a -> assertThat(a).startsWith("device."));
        }
    }

    private static List<String> column(int index) {
        return browser.all("#events tbody tr").stream()
                .map(r -> r.findElements(By.tagName("td")).get(index).getText()).toList();
    }

    @Test
    void aDmServerFormAnswersWithTheApisOwnMessages() {
        String body = "{\"name\":\"" + Fixtures.unique("bad-dm") + "\",\"uri\":\"http://not-coap\",\"shortServerId\":0,"
                + "\"lifetime\":300,\"binding\":\"U\",\"securityMode\":\"PSK\"}";
        TestServer.ApiResponse api = server.call("POST", "/api/v1/servers", body);
        assertThat(api.status()).isEqualTo(400);
        List<String> messages = api.json().get("errors").valueStream()
                .map(e -> e.get("field").asString() + ": " + e.get("message").asString()).toList();

        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString()).open("/console/servers/new");
        browser.find("#name").sendKeys(Fixtures.unique("bad-dm"));
        browser.find("#uri").clear(); // the form starts with coaps://
        browser.find("#uri").sendKeys("http://not-coap");
        browser.find("#shortServerId").clear();
        browser.find("#shortServerId").sendKeys("0");
        browser.find("#save-server").click();
        String problems = browser.waitFor("#problems").getText();
        for (String message : messages) {
            assertThat(problems).contains(message.substring(message.indexOf(": ") + 2));
        }
        browser.screenshot("server-form-invalid");
    }
}

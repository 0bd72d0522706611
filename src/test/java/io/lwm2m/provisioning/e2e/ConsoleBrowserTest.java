package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

/**
 * The operator console in a real browser (Debian's chromium through Selenium) against the whole
 * server on loopback: the scenarios, each as a person would do it. Screenshots of the pages
 * go to {@code target/console-screenshots/}.
 */
@RequiresTool(value = ConsoleBrowser.CHROMIUM, debianPackage = "chromium")
@RequiresTool(value = ConsoleBrowser.CHROMEDRIVER, debianPackage = "chromium-driver")
class ConsoleBrowserTest {

    private static TestServer server;
    private static ConsoleBrowser browser;
    private static String dm;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        browser = new ConsoleBrowser(server.baseUrl());
        dm = Fixtures.server(server, "coaps://dm.example:5684", 171, 300, "U", "PSK", true);
        profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void signingInWithAnApiKeyOpensTheOverviewAndAWrongKeyIsRefused() {
        browser.open("/console/sign-in");
        browser.driver.manage().deleteAllCookies();
        browser.open("/");
        assertThat(browser.path()).startsWith("/console/sign-in");
        browser.screenshot("sign-in");
        browser.find("#key").sendKeys("bsk_" + "x".repeat(43));
        browser.find("#key-sign-in button[type=submit]").click();
        assertThat(browser.waitFor("#problem").getText()).contains("unknown, expired or revoked");
        assertThat(browser.has("header.top nav")).isFalse();

        browser.signIn(server.adminKey()).open("/console");
        assertThat(browser.find("h1").getText()).isEqualTo("Overview");
        assertThat(browser.find("header.top .who .badge").getText()).isEqualTo("admin");
        assertThat(browser.all("#figures .figure")).hasSize(6);
        browser.screenshot("overview");
    }

    @Test
    void anImportOfTenThousandRowsIsFollowedLiveToOneHundredPercentAndNamesTheBadRowsLine() throws Exception {
        String operator = ApiKeys.create(server, "operator", null).get("key").asString();
        String prefix = Fixtures.unique("urn:dev:console");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 1; i <= 10_000; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
            if (i == 5_001) {
                csv.append("not a valid endpoint,").append(profile).append(",psk\n"); // line 5,003 (the header is line 1)
            }
        }
        Path file = Files.createTempFile(TestDataDirectories.create("console-import-"), "import-", ".csv");
        Files.writeString(file, csv);

        browser.signIn(operator).open("/console/imports").ready();
        browser.screenshot("imports");
        browser.find("#file").sendKeys(file.toString());
        browser.until(10, () -> browser.find("#import-now").isEnabled());
        browser.find("#import-now").click();
        browser.until(120, () -> browser.path().matches("/console/imports/[0-9a-f-]{36}"));
        String job = browser.path().substring("/console/imports/".length());

        List<Integer> seen = watchProgress(Duration.ofMinutes(3));
        assertThat(seen).as("the bar's values as the page showed them").isSortedAccordingTo(Integer::compare).endsWith(100);
        browser.until(30, () -> browser.find("#job-state").getText().equals("SUCCEEDED") && browser.has("#rows"));
        assertThat(browser.find("#job-progress-text").getText()).isEqualTo("10,001 / 10,001 rows (100 %)");
        assertThat(browser.find("#count-created").getText()).isEqualTo("10,000");
        assertThat(browser.find("#count-invalid").getText()).isEqualTo("1");
        assertThat(browser.all("#rows .row-line").stream().map(WebElement::getText)).containsExactly("5003");
        assertThat(browser.find("#rows .row-reason").getText()).startsWith("endpoint:");
        browser.screenshot("import-job");

        JsonNode api = server.call("GET", "/api/v1/imports/" + job, null).json();
        assertThat(api.get("progress").get("percent").asInt()).isEqualTo(100);
        assertThat(api.get("rows").get("created").asLong()).isEqualTo(10_000);
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-10000", null).status()).isEqualTo(200);
    }

    /** The bar's value every 100 ms until it shows 100 (the page reloads once the job has ended). */
    private static List<Integer> watchProgress(Duration timeout) throws InterruptedException {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int value = (int) Double.parseDouble(browser.find("#job-bar").getDomProperty("value"));
                if (seen.isEmpty() || seen.get(seen.size() - 1) != value) {
                    seen.add(value);
                }
                if (value == 100) {
                    return seen;
                }
            } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
                // the page is reloading
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the progress bar did not reach 100 % in " + timeout + "; it showed " + seen);
    }

    @Test
    void aFileDroppedOnThePageIsDryRunThenImportedAndItsSecretsFileDownloadedOnceThenDestroyed() throws Exception {
        String operator = ApiKeys.create(server, "operator", null).get("key").asString();
        String prefix = Fixtures.unique("urn:dev:dropped");
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 1; i <= 20; i++) {
            csv.append(prefix).append('-').append(i).append(',').append(profile).append(",psk\n");
        }
        browser.signIn(operator).open("/console/imports").ready();
        browser.driver.executeScript("""
                const transfer = new DataTransfer();
                transfer.items.add(new File([arguments[0]], 'line-7.csv', {type: 'text/csv'}));
                document.getElementById('dropzone').dispatchEvent(
                    new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));""", csv.toString());
        assertThat(browser.find("#file-info").getText()).startsWith("line-7.csv");
        browser.find("#dry-run").click();
        WebElement summary = browser.waitFor("#dry-run-summary");
        browser.until(60, () -> summary.getText().startsWith("Would create"));
        assertThat(summary.getText()).isEqualTo("Would create 20; already there: 0; conflicts: 0; invalid: 0.");
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-1", null).status()).as("a dry run writes nothing").isEqualTo(404);
        browser.screenshot("imports-dry-run");

        browser.find("#import-after-dry-run").click();
        browser.until(90, () -> browser.path().startsWith("/console/imports/") && browser.has("#download-secrets"));
        browser.find("#download-secrets").click();
        Path secrets = awaitDownload(".csv");
        List<String> lines = Files.readAllLines(secrets);
        assertThat(lines.get(0)).startsWith("line,endpoint,server,mode,psk_identity,psk_key");
        assertThat(lines.stream().skip(1).filter(l -> l.contains(prefix + "-"))).hasSize(40); // bootstrap and DM server keys
        lines.stream().skip(1).map(l -> l.split(",", -1)[5]).filter(k -> !k.isEmpty()).forEach(TestOutput::rememberSecret);

        browser.find("#destroy-secrets").click();
        assertThat(browser.waitFor("#secrets-gone").getText()).contains("acknowledged and destroyed");
        assertThat(browser.has("#download-secrets")).isFalse();
        assertThat(server.call("GET", "/api/v1/devices/" + prefix + "-20", null).status()).isEqualTo(200);
    }

    @Test
    void aSecurityOfficerRevokesADeviceAfterAConfirmationAndItsSerialIsInTheCrl() throws Exception {
        Fixtures.Device device = Fixtures.deviceWith(server, "X509", dm);
        String serial = device.created().get("bootstrapCredential").get("certificateSerial").asString();
        browser.signIn(ApiKeys.create(server, "security-officer", null).get("key").asString());
        browser.open("/console/devices/" + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8));
        assertThat(browser.find("#endpoint").getText()).isEqualTo(device.endpoint());
        assertThat(browser.all("#credentials .cert-serial").stream().map(WebElement::getText)).contains(serial);
        browser.screenshot("device");

        browser.find("#action-revoke").click();
        assertThat(browser.find("h1").getText()).contains(device.endpoint());
        assertThat(browser.find("#confirm").getText()).isEqualTo("Revoke credentials of " + device.endpoint());
        browser.screenshot("device-revoke-confirm");
        browser.find("#confirm").click();
        assertThat(browser.waitFor("#notice").getText()).contains("Revoked").contains(device.endpoint());
        assertThat(browser.find("#no-credentials").getText()).contains("revoked");

        browser.open("/console/certificates");
        assertThat(browser.all("#crl-entries .crl-serial").stream().map(WebElement::getText)).contains(serial);
        browser.screenshot("certificates");
        browser.find("#download-crl").click();
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(Files.readAllBytes(awaitDownload(".crl"))));
        assertThat(crl.getRevokedCertificate(new BigInteger(serial, 16))).as("the downloaded CRL lists " + serial).isNotNull();
    }

    @Test
    void anOperatorSeesNoRotateActionAndTheServerRefusesItAnyway() {
        Fixtures.Device device = Fixtures.device(server, dm);
        JsonNode operator = ApiKeys.create(server, "operator", null);
        String page = "/console/devices/" + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8);
        browser.signIn(operator.get("key").asString()).open(page);
        assertThat(browser.find("#endpoint").getText()).isEqualTo(device.endpoint());
        assertThat(browser.has("#device-actions")).isFalse();
        assertThat(browser.has("#action-rotate")).isFalse();

        browser.open(page + "/rotate");
        assertThat(browser.find("h1").getText()).isEqualTo("403 Forbidden");
        browser.screenshot("forbidden");
        Object status = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('meta[name="csrf-token"]').content;
                fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-TOKEN': token,
                    'Content-Type': 'application/x-www-form-urlencoded'}, body: 'target=bootstrap'}).then(r => done(r.status));""",
                page + "/rotate");
        assertThat(((Number) status).intValue()).as("a rotation posted with a valid CSRF token").isEqualTo(403);

        JsonNode held = server.call("GET", "/api/v1/devices/" + device.endpoint(), null).json();
        assertThat(held.has("pendingBootstrapCredentials")).as("no rotation happened").isFalse();
        JsonNode denied = server.call("GET", "/api/v1/audit?action=api.denied&actor=api-key:"
                + operator.get("name").asString(), null).json();
        assertThat(denied.findValuesAsString("target")).contains("api:POST " + page + "/rotate");
    }

    @Test
    void anEndpointHoldingAScriptAndABidiOverrideIsShownAsInertText() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        String hostile = "<script>window.pwned=1</script>\u202Eevil";
        try (RawCoapsDevice raw = RawCoapsDevice.psk(device.identity(), device.key(), RawCoapsDevice.silent())) {
            Response refused = raw.bootstrapRequest(server.coaps(), true, "ep=" + UriUtils.encodeQueryParam(hostile, StandardCharsets.UTF_8));
            assertThat(refused.getCode()).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
        }
        // A key's name may hold markup (the API refuses only control and bidirectional formatting characters in it).
        String keyName = "<script>window.pwned=2</script>evil";
        TestServer.ApiResponse key = server.call("POST", "/api/v1/api-keys", "{\"name\":\"" + keyName + "\",\"role\":\"auditor\"}");
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        TestOutput.rememberSecret(key.json().get("key").asString());

        browser.signIn(server.adminKey());
        String page = "/console/devices/" + UriUtils.encodePathSegment(device.endpoint(), StandardCharsets.UTF_8);
        browser.until(20, () -> browser.open(page).has(".asked-as"));
        assertThat(browser.find(".asked-as").getText()).isEqualTo("<script>window.pwned=1</script>\\u202Eevil");
        assertInert();
        browser.screenshot("inert-endpoint");

        browser.open("/console/api-keys");
        assertThat(browser.find("#api-keys").getText()).contains("<script>window.pwned=2</script>evil");
        assertInert();
        browser.signIn(key.json().get("key").asString());
        assertThat(browser.find(".who-name").getText()).isEqualTo("<script>window.pwned=2</script>evil");
        browser.open("/console/audit?action=console.sign-in");
        assertThat(browser.find("#events").getText()).contains("api-key:<script>window.pwned=2</script>evil");
        assertInert();
        browser.screenshot("inert-audit");
    }

    private static void assertInert() {
        assertThat(browser.driver.executeScript("return window.pwned === undefined")).as("no injected script ran").isEqualTo(true);
        assertThat(browser.all("main script")).as("no script element in the page's content").isEmpty();
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("an alert opened");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
        assertThat(browser.driver.getPageSource()).doesNotContain("\u202E");
    }

    @Test
    void signingOutEndsTheSessionForTheBrowserAndForItsCookie() {
        browser.signIn(server.adminKey()).open("/console/devices");
        String session = browser.sessionCookie().getValue();
        browser.find("#sign-out").click();
        assertThat(browser.waitFor("#notice").getText()).isEqualTo("You are signed out.");
        assertThat(browser.path()).startsWith("/console/sign-in");

        browser.open("/console/devices");
        assertThat(browser.path()).startsWith("/console/sign-in");
        HttpResponse<String> replayed = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/devices"))
                .header("Cookie", "CONSOLE_SESSION=" + session));
        assertThat(replayed.uri().getPath()).as("the old cookie leads to the sign-in page").isEqualTo("/console/sign-in");
        assertThat(replayed.body()).contains("id=\"key-sign-in\"");
    }

    /** The newest file with {@code suffix} the browser finished downloading. */
    private static Path awaitDownload(String suffix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(browser.downloads())) {
                List<Path> done = files.filter(f -> f.toString().endsWith(suffix)).toList();
                if (!done.isEmpty()) {
                    Path newest = done.stream().max(java.util.Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow();
                    Files.move(newest, newest.resolveSibling(newest.getFileName() + ".seen"));
                    return newest.resolveSibling(newest.getFileName() + ".seen");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + suffix + " file was downloaded to " + browser.downloads());
    }
}

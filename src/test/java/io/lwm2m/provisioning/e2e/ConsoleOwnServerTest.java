package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.testing.RequiresTool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebElement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

/**
 * Console workflows that need a server of their own: the README quick start's device (fixed names) after
 * its first bootstrap, the device list paged by cursor over a known set
 * of devices, imports cancelled from their page while the one import worker is busy, and a tampered
 * audit chain (which would break every other test's chain check on the shared server) shown with its
 * first broken link. Run last, since the chain stays broken.
 */
@RequiresTool(value = ConsoleBrowser.CHROMIUM, debianPackage = "chromium")
@RequiresTool(value = ConsoleBrowser.CHROMEDRIVER, debianPackage = "chromium-driver")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleOwnServerTest {

    private static TestServer server;
    private static ConsoleBrowser browser;
    private static String profile;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.newDataDir());
        browser = new ConsoleBrowser(server.baseUrl());
        String dm = Fixtures.server(server, "coaps://dm.example:5684", 173, 300, "U", "PSK", true);
        profile = Fixtures.profile(server, "{\"servers\":[{\"server\":\"" + dm + "\"}]}");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String csv(String prefix, int rows) {
        StringBuilder csv = new StringBuilder("endpoint,profile,mode\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(prefix).append('-').append(String.format("%06d", i)).append(',').append(profile).append(",psk\n");
        }
        return csv.toString();
    }

    private static String upload(String csv) {
        TestServer.ApiResponse accepted = Imports.upload(server, "text/csv", csv.getBytes(StandardCharsets.UTF_8), "");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        return accepted.json().get("id").asString();
    }

    /**
     * The README quick start's device (the same DM server and endpoint, here bootstrapped by Leshan's
     * client instead of the jar's simulator), as its page shows it: the screenshot the quick start shows.
     */
    @Test
    @Order(0)
    void theQuickStartsDeviceShowsItsFirstBootstrapOnItsPage() throws Exception {
        TestServer.ApiResponse dm1 = server.call("POST", "/api/v1/servers", "{\"name\":\"dm-1\",\"uri\":\"coaps://dm.example.com:5684\","
                + "\"shortServerId\":101,\"lifetime\":300,\"binding\":\"U\",\"securityMode\":\"PSK\"}");
        assertThat(dm1.status()).as(dm1.toString()).isEqualTo(201);
        TestServer.ApiResponse created = server.call("POST", "/api/v1/devices", "{\"endpoint\":\"urn:dev:ops:my-first-device\","
                + "\"servers\":[\"dm-1\"],\"bootstrapCredential\":{\"mode\":\"PSK\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Fixtures.Device device = Fixtures.Device.of(created.json());
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                LeshanDevice.Flavour.LWM2M_1_1_SENML_CBOR)) {
            LeshanDevice.Outcome outcome = client.awaitBootstrap(Duration.ofSeconds(30));
            assertThat(outcome.success()).as(outcome.toString()).isTrue();
        }

        browser.signIn(server.adminKey());
        browser.until(20, () -> browser.open("/console/devices/urn:dev:ops:my-first-device").has("#sessions > li"));
        assertThat(browser.find("#sessions > li .badge").getText()).isEqualTo("SUCCEEDED");
        assertThat(browser.find("#credentials").getText()).contains("dm-1");
        browser.screenshot("quick-start-device");
    }

    @Test
    @Order(1)
    void theDeviceListPagesByCursorInEndpointOrder() throws Exception {
        String prefix = Fixtures.unique("urn:dev:paged");
        Imports.await(server, upload(csv(prefix, 60)), Duration.ofMinutes(2));

        // Read once the console's script has run: the whole document is parsed by then (a full suite
        // once read the table from a page still arriving, 17 rows of 50).
        browser.signIn(server.adminKey()).open("/console/devices?endpointPrefix="
                + UriUtils.encodeQueryParam(prefix, StandardCharsets.UTF_8)).ready();
        List<String> first = endpoints();
        assertThat(first).as(pageEnd()).hasSize(50).isSorted().startsWith(prefix + "-000001").endsWith(prefix + "-000050");
        browser.find("#next-page").click();
        browser.until(10, () -> browser.path().contains("after="));
        browser.ready();
        assertThat(endpoints()).as(pageEnd()).hasSize(10).startsWith(prefix + "-000051").endsWith(prefix + "-000060");
        assertThat(browser.has("#next-page")).as("the last page links no further").isFalse();
    }

    /** How the page the browser holds ends, for a failure's message: a page cut short lacks its footer. */
    private static String pageEnd() {
        String page = browser.driver.getPageSource();
        return "the page (" + page.length() + " characters) ends with: " + page.substring(Math.max(0, page.length() - 300));
    }

    private static List<String> endpoints() {
        return browser.all("#device-list tbody tr td:first-child").stream().map(WebElement::getText).toList();
    }

    @Test
    @Order(2)
    void aQueuedAndThenARunningImportAreCancelledFromTheirPages() throws Exception {
        String busy = upload(csv(Fixtures.unique("urn:dev:busy"), 100_000));
        String waiting = upload(csv(Fixtures.unique("urn:dev:waiting"), 10));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.call("GET", "/api/v1/imports/" + busy, null).json().get("state").asString().equals("RUNNING")) {
            assertThat(System.nanoTime()).as("the big import started").isLessThan(deadline);
            Thread.sleep(50);
        }
        String operator = ApiKeys.create(server, "operator", null).get("key").asString();
        browser.signIn(operator).open("/console/imports?state=QUEUED");
        assertThat(browser.all("#jobs tbody tr")).as("the queued jobs").hasSize(1);
        assertThat(browser.find("#jobs tbody tr").getText()).contains("QUEUED").contains("0 / 10 (0 %)");
        browser.find("#jobs tbody tr a").click();
        browser.until(10, () -> browser.path().equals("/console/imports/" + waiting));
        assertThat(browser.find("#job-state").getText()).isEqualTo("QUEUED");
        browser.find("#cancel-job").click();
        browser.until(30, () -> browser.find("#job-state").getText().equals("CANCELLED"));
        assertThat(browser.has("#cancel-job")).isFalse();
        JsonNode cancelledWaiting = server.call("GET", "/api/v1/imports/" + waiting, null).json();
        assertThat(cancelledWaiting.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(cancelledWaiting.get("rows").get("created").asLong()).as("a queued job writes nothing").isZero();

        browser.open("/console/imports/" + busy).ready();
        browser.find("#cancel-job").click();
        browser.until(60, () -> browser.find("#job-state").getText().equals("CANCELLED"));
        browser.screenshot("import-cancelled");
        JsonNode cancelledBusy = Imports.await(server, busy, Duration.ofSeconds(60));
        long created = cancelledBusy.get("rows").get("created").asLong();
        assertThat(created).as("rows committed before the cancellation stay").isBetween(1L, 99_999L);
        assertThat(browser.find("#count-created").getText()).isEqualTo(String.format("%,d", created));
        assertThat(server.call("GET", "/api/v1/audit?action=import.cancel", null).json().findValuesAsString("target"))
                .as("both cancellations audited").contains("import:" + waiting, "import:" + busy);
    }

    @Test
    @Order(3)
    void anEditedAuditEventIsShownAsTheChainsFirstBrokenLink() {
        browser.signIn(server.adminKey()).open("/console/audit/verify");
        assertThat(browser.find("#chain-valid").getText()).contains("intact");
        JdbcTemplate db = new JdbcTemplate(server.bean(DataSource.class));
        long edited = db.queryForObject("SELECT min(id) FROM audit_events WHERE action = 'server.create'", Long.class);
        db.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete");
        db.update("UPDATE audit_events SET actor = 'api-key:someone-else' WHERE id = ?", edited);
        db.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete");

        browser.open("/console/audit/verify");
        assertThat(browser.find("#chain-broken").getText()).contains("broken").contains("edited");
        assertThat(browser.find("#first-broken").getText()).isEqualTo(Long.toString(edited));
        browser.screenshot("audit-broken");
        browser.find("#first-broken").click();
        assertThat(browser.find("#events").getText()).contains("someone-else");
    }
}

package io.lwm2m.provisioning.e2e;

import io.lwm2m.provisioning.testing.TestDataDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver (both found on the PATH, so that
 * Selenium never looks for a browser or driver to download), against a server on loopback. Each page
 * it is asked to keep is saved as a screenshot under {@code target/console-screenshots/} for review.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final String CHROMIUM = "chromium";
    static final String CHROMEDRIVER = "chromedriver";
    static final Path SCREENSHOTS = Paths.get(System.getProperty("user.dir")).getParent().resolve("target/console-screenshots");

    final ChromeDriver driver;
    private final String baseUrl;
    private final Path downloads;

    ConsoleBrowser(String baseUrl) {
        this.baseUrl = baseUrl;
        try {
            this.downloads = TestDataDirectories.create("console-downloads-");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(which(CHROMIUM).toFile());
        // --no-sandbox: the tests may run as root, where chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1360,1100", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(which(CHROMEDRIVER).toFile())
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    }

    private static Path which(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Paths.get(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(command + " is not on the PATH");
    }

    ConsoleBrowser open(String path) {
        driver.get(path.startsWith("http") ? path : baseUrl + path);
        return this;
    }

    /** Signs in with an API key on the sign-in page, from a browser holding no session. */
    ConsoleBrowser signIn(String key) {
        open("/console/sign-in");
        driver.manage().deleteAllCookies();
        open("/console/sign-in");
        driver.findElement(By.id("key")).sendKeys(key);
        driver.findElement(By.cssSelector("#key-sign-in button[type=submit]")).click();
        waitFor(By.cssSelector("header.top .who"));
        return this;
    }

    /** Waits until the page's script has set itself up (its drop zone, its progress polling). */
    ConsoleBrowser ready() {
        waitFor(By.cssSelector("body[data-console-ready]"));
        return this;
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean has(String css) {
        return !all(css).isEmpty();
    }

    /** Waits up to {@code seconds} for {@code condition}, through page reloads. */
    void until(int seconds, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).ignoring(StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(d -> condition.getAsBoolean());
    }

    /** Waits up to 30 s for the element; a timeout names the page the browser was on and how it began. */
    WebElement waitFor(By locator) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                    .until(ExpectedConditions.presenceOfElementLocated(locator));
        } catch (org.openqa.selenium.TimeoutException e) {
            String text = all("body").isEmpty() ? "" : find("body").getText();
            throw new AssertionError("no " + locator + " within 30 s on " + driver.getCurrentUrl() + " (\"" + title()
                    + "\"), which reads: " + text.substring(0, Math.min(text.length(), 400)), e);
        }
    }

    WebElement waitFor(String css) {
        return waitFor(By.cssSelector(css));
    }

    String path() {
        return driver.getCurrentUrl().substring(baseUrl.length());
    }

    String title() {
        return driver.getTitle();
    }

    /** The session cookie as the browser holds it (null when none). */
    Cookie sessionCookie() {
        return driver.manage().getCookieNamed("CONSOLE_SESSION");
    }

    /** Saves the page as {@code target/console-screenshots/<name>.png}. */
    ConsoleBrowser screenshot(String name) {
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Path downloads() {
        return downloads;
    }

    @Override
    public void close() {
        driver.quit();
    }
}

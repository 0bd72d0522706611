package io.lwm2m.provisioning.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletContext;

/** The session cookie and idle timeout the console gives the servlet container. */
class ConsoleSessionCookieTest {

    private static ConsoleSettings settings(Duration idle, boolean secure) {
        return new ConsoleSettings(idle, secure, new ConsoleSettings.Oidc(null, null, List.of("openid"), "OpenID Connect"));
    }

    @Test
    void theCookieIsHttpOnlyStrictAndOnlyForTheConsole() throws Exception {
        MockServletContext context = new MockServletContext();
        new ConsoleSecurityConfiguration().consoleSessionCookie(settings(Duration.ofMinutes(15), false)).onStartup(context);
        assertThat(context.getSessionCookieConfig().getName()).isEqualTo("CONSOLE_SESSION");
        assertThat(context.getSessionCookieConfig().isHttpOnly()).isTrue();
        assertThat(context.getSessionCookieConfig().getPath()).isEqualTo("/console");
        assertThat(context.getSessionCookieConfig().getAttribute("SameSite")).isEqualTo("Strict");
        assertThat(context.getSessionCookieConfig().isSecure()).as("Secure over HTTPS only (the container's rule)").isFalse();
        assertThat(context.getSessionTimeout()).isEqualTo(15);
    }

    @Test
    void behindAProxyThatEndsTlsTheCookieIsAlwaysSecure() throws Exception {
        MockServletContext context = new MockServletContext();
        new ConsoleSecurityConfiguration().consoleSessionCookie(settings(Duration.ofMinutes(30), true)).onStartup(context);
        assertThat(context.getSessionCookieConfig().isSecure()).isTrue();
        assertThat(context.getSessionTimeout()).isEqualTo(30);
    }

    @Test
    void anIdleTimeoutOutsideOneMinuteToTwelveHoursStopsTheStart() {
        assertThatThrownBy(() -> settings(Duration.ofSeconds(30), false)).hasMessageContaining("idle-timeout");
        assertThatThrownBy(() -> settings(Duration.ofHours(13), false)).hasMessageContaining("idle-timeout");
    }
}

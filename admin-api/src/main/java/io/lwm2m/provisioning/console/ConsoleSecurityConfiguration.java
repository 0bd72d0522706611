package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiKeyService;
import io.lwm2m.provisioning.audit.AuditSink;
import jakarta.servlet.SessionCookieConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The console's own security chain (decision 071), beside the API's stateless one: a server-side
 * session (cookie {@value #COOKIE}: HttpOnly, SameSite=Strict, path {@code /console}, Secure over
 * HTTPS or when configured), a CSRF token on every state change, a strict Content-Security-Policy
 * (scripts and styles from this server's files only, nothing inline), no framing, no referrer, and
 * the idle timeout. People sign in with an API key or, when configured, at the OpenID Connect issuer
 * the API trusts; either way the session holds the same principal and roles as an API call.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleSettings.class)
class ConsoleSecurityConfiguration {

    static final String COOKIE = "CONSOLE_SESSION";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ApiKeyService keys, AuditSink audit,
            ObjectProvider<ConsoleOidc> oidc) throws Exception {
        HttpSessionRequestCache requests = new HttpSessionRequestCache();
        requests.setRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/console/**"));
        http.securityMatcher("/", "/console", "/console/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/", "/console/sign-in", "/console/assets/**", "/console/oauth2/**").permitAll()
                        .anyRequest().authenticated())
                .csrf(csrf -> csrf.csrfTokenRepository(new HttpSessionCsrfTokenRepository())
                        .csrfTokenRequestHandler(new MaskedCsrfTokens()))
                .securityContext(c -> c.securityContextRepository(new HttpSessionSecurityContextRepository()))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED)
                        .sessionFixation(f -> f.changeSessionId()))
                .requestCache(c -> c.requestCache(requests))
                .exceptionHandling(e -> e.authenticationEntryPoint(new SessionEndedEntryPoint(SignInController.PATH)))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .frameOptions(f -> f.deny()))
                .logout(l -> l.logoutUrl("/console/sign-out").logoutSuccessUrl(SignInController.PATH + "?signed-out")
                        .addLogoutHandler(new SignOutAudit(audit))
                        .invalidateHttpSession(true).clearAuthentication(true).deleteCookies(COOKIE))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .addFilterAfter(new KeyStillValid(keys), SecurityContextHolderFilter.class);
        ConsoleOidc openIdConnect = oidc.getIfAvailable();
        if (openIdConnect != null) {
            openIdConnect.configure(http);
        }
        return http.build();
    }

    /**
     * The session cookie: the API is stateless, so only the console ever creates a session. Its
     * cookie is sent to {@code /console} only, never with a request another site starts, and is
     * {@code Secure} whenever the request came over HTTPS (Tomcat's own rule) or when configured.
     */
    @Bean
    ServletContextInitializer consoleSessionCookie(ConsoleSettings settings) {
        return servletContext -> {
            SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
            cookie.setName(COOKIE);
            cookie.setPath("/console");
            cookie.setHttpOnly(true);
            cookie.setAttribute("SameSite", "Strict");
            if (settings.secureCookie()) {
                cookie.setSecure(true);
            }
            servletContext.setSessionTimeout((int) Math.max(1, settings.idleTimeout().toMinutes()));
        };
    }
}

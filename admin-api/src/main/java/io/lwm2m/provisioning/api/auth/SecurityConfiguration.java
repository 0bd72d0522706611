package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.api.errors.Problems;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code /api/**} call carries a valid API key or (when configured) a JWT; failures answer
 * RFC 9457 problem+json: 401 for missing, unknown, expired, revoked or tampered credentials, 403
 * when the caller's role does not allow the operation. Which role may do what is declared on each
 * controller method with {@code @PreAuthorize} (see {@link Roles}); ADMIN may do everything.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@EnableConfigurationProperties(JwtSettings.class)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyAuthenticator keys, JwtSettings jwt, AccessDenials denials,
            JsonMapper json) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            Problems.write(response, json, HttpStatus.UNAUTHORIZED, "Authentication required",
                    "Send a valid API key" + (jwt.enabled() ? " or JWT" : "") + " as 'Authorization: Bearer <key>': "
                            + e.getMessage());
        };
        AccessDeniedHandler forbidden = (request, response, e) -> {
            denials.record(request);
            Problems.write(response, json, HttpStatus.FORBIDDEN, "Forbidden", AccessDenials.DETAIL);
        };
        JwtAuthenticator jwts = jwt.enabled() ? new JwtAuthenticator(jwt) : null;
        http.securityMatcher("/api/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .authorizeHttpRequests(a -> a
                        // The CA's public material: relying parties fetch it without a key.
                        .requestMatchers(HttpMethod.GET, "/api/v1/ca/certificates", "/api/v1/ca/crl", "/api/v1/bootstrap-server")
                        .permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .addFilterBefore(new BearerAuthenticationFilter(keys, jwts, unauthorized), AnonymousAuthenticationFilter.class);
        return http.build();
    }

    /**
     * No user accounts: API keys and tokens are the only way in. Declaring this keeps Spring Boot
     * from creating a default user and printing its generated password to the log.
     */
    @Bean
    UserDetailsService noUserAccounts() {
        return username -> {
            throw new UsernameNotFoundException("this server has API keys, not user accounts");
        };
    }
}

package io.lwm2m.provisioning.api.auth;

import io.lwm2m.provisioning.api.errors.Problems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/** Every {@code /api/**} call carries a valid API key; failures answer RFC 9457 problem+json. */
@Configuration(proxyBeanMethods = false)
@org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyService keys, JsonMapper json) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Bearer");
            Problems.write(response, json, HttpStatus.UNAUTHORIZED, "Authentication required",
                    "Send a valid API key as 'Authorization: Bearer <key>': " + e.getMessage());
        };
        AccessDeniedHandler forbidden = (request, response, e) -> Problems.write(response, json, HttpStatus.FORBIDDEN,
                "Forbidden", "The API key's role does not allow this operation.");
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
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, unauthorized), AnonymousAuthenticationFilter.class);
        return http.build();
    }

    /**
     * No user accounts: API keys are the only way in. Declaring this keeps Spring Boot from
     * creating a default user and printing its generated password to the log.
     */
    @Bean
    UserDetailsService noUserAccounts() {
        return username -> {
            throw new UsernameNotFoundException("this server has API keys, not user accounts");
        };
    }
}

package io.lwm2m.provisioning.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 document of the admin API ({@code /v3/api-docs}, rendered at
 * {@code /swagger-ui.html}); both are served without a key, since they hold no data.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI adminApi() {
        return new OpenAPI()
                .info(new Info().title("LwM2M provisioning server admin API").version("v1")
                        .description("Devices, DM servers, profiles, credentials, certificates, API keys and the audit log. "
                                + "Errors are RFC 9457 problem+json; lists page with ?limit=&cursor= and a Link rel=\"next\" header."))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An API key (bsk_…) or, when configured, a JWT from the configured issuer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}

package io.lwm2m.provisioning.api.openapi;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v3/api-docs}: the OpenAPI document of the admin API, rendered by Swagger UI at
 * {@code /swagger-ui.html}. Both are served without a key (they hold no data), outside {@code /api/**}.
 */
@RestController
class OpenApiController {

    private final RequestMappingHandlerMapping mappings;
    private final JsonMapper mapper;
    private volatile ObjectNode document;

    OpenApiController(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings, JsonMapper mapper) {
        this.mappings = mappings;
        this.mapper = mapper;
    }

    /** Built on first request: the mappings are complete only once the context has started. */
    @GetMapping(path = "/v3/api-docs", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode document() {
        ObjectNode built = document;
        if (built == null) {
            built = OpenApiDocument.of(mappings.getHandlerMethods(), mapper);
            document = built;
        }
        return built;
    }
}

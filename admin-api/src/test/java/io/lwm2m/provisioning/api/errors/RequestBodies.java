package io.lwm2m.provisioning.api.errors;

import io.lwm2m.provisioning.errors.InvalidInputException;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as the API does (the strict mapper, unknown fields refused, as
 * application.yml sets) and validates it. The documented refusals are a {@link JacksonException}
 * (400 malformed) and an {@link InvalidInputException} (400 naming the fields); anything else
 * escaping is a finding.
 */
final class RequestBodies {

    static final JsonMapper STRICT = StrictJsonBodies.strict(JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

    private RequestBodies() {
    }

    /** The validated value, or null if the body was refused as the API refuses it. */
    static <B, V> V accept(byte[] body, Class<B> type, Function<B, V> validate) {
        B parsed;
        try {
            parsed = STRICT.readValue(body, type);
        } catch (JacksonException refused) {
            return null;
        }
        if (parsed == null) {
            return null; // the body "null": Spring answers 400 for a missing required body
        }
        try {
            return validate.apply(parsed);
        } catch (InvalidInputException refused) {
            return null;
        }
    }

    static void require(boolean holds, String invariant, Object subject) {
        if (!holds) {
            throw new IllegalStateException("invariant broken: " + invariant + " (" + subject + ")");
        }
    }
}

package io.lwm2m.provisioning.api.errors;

import io.lwm2m.provisioning.errors.InputText;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * JSON request bodies are read by a mapper that refuses, in every string of every body, what no
 * field may hold ({@link InputText#problem(String)}: NUL and other control characters but tab
 * and line breaks, bidirectional formatting characters, unpaired surrogates), as 400 naming the
 * field. It reads only: responses are written by Spring Boot's converter as before. Per-field
 * rules (one line, lengths) stay with each request's validation.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonBodies implements WebMvcConfigurer {

    private final JsonMapper json;

    StrictJsonBodies(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.add(0, new ReadOnly(strict(json)));
    }

    /** {@code base} with strings checked as every request body's are. */
    static JsonMapper strict(JsonMapper base) {
        return base.rebuild().addModule(new SimpleModule("strict-strings").addDeserializer(String.class, new StrictStrings()))
                .build();
    }

    /** A string that breaks {@link InputText}'s rules; {@link ApiExceptionHandler} names its field and the rule. */
    static final class UnsafeTextException extends MismatchedInputException {

        UnsafeTextException(JsonParser parser, String rule) {
            super(parser, rule, String.class);
        }

        String rule() {
            return getOriginalMessage();
        }
    }

    private static final class StrictStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = super.deserialize(p, ctxt);
            String rule = InputText.problem(value);
            if (rule != null) {
                throw new UnsafeTextException(p, rule);
            }
            return value;
        }
    }

    /** Reads JSON with the strict mapper and never writes. */
    private static final class ReadOnly extends JacksonJsonHttpMessageConverter {

        ReadOnly(JsonMapper strict) {
            super(strict);
        }

        @Override
        public boolean canWrite(Class<?> clazz, MediaType mediaType) {
            return false;
        }

        @Override
        public boolean canWrite(ResolvableType type, Class<?> clazz, MediaType mediaType) {
            return false;
        }
    }
}

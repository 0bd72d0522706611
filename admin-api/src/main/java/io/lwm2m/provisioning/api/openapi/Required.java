package io.lwm2m.provisioning.api.openapi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request property the API refuses to go without (its check still lives in the request's
 * validation, which names the rule): listed in its schema's {@code required}, so that generated
 * clients make it a mandatory argument. On a record component it reaches the accessor Jackson reads.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface Required {
}

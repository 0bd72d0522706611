package io.lwm2m.provisioning.api.openapi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How an API operation appears in the OpenAPI document, for generated clients: its operationId (a
 * client's method name), a one-line summary, the success statuses it answers, and the error
 * statuses beyond those every operation of its kind answers (400 for bad input, 401/403 unless
 * public, 404 with a path variable, 413/415 with a body; see {@link OpenApiDocument}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Operation {

    /** The operationId: verb and noun, unique in the document ({@code createDevice}, {@code listImports}). */
    String id();

    String summary();

    /** The success statuses, the usual one first; empty: 200, or the method's {@code @ResponseStatus}. */
    int[] success() default {};

    /** Error statuses particular to this operation (409 conflict, 410 gone, 412 stale ETag, 422, ...). */
    int[] errors() default {};
}

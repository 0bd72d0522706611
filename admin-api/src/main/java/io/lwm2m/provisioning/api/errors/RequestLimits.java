package io.lwm2m.provisioning.api.errors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code provisioning.api.max-*}: the largest request bodies the admin API reads.
 *
 * @param maxRequestSize any request body
 * @param maxImportSize  a bulk upload under {@code /api/v1/imports}
 */
@ConfigurationProperties("provisioning.api")
public record RequestLimits(@DefaultValue("1MB") DataSize maxRequestSize, @DefaultValue("2GB") DataSize maxImportSize) {

    public RequestLimits {
        if (maxRequestSize.toBytes() <= 0 || maxImportSize.toBytes() <= 0) {
            throw new IllegalArgumentException("provisioning.api.max-request-size and max-import-size must be positive");
        }
    }
}

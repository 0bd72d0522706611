package io.lwm2m.provisioning.api.imports;

/** An upload exceeded {@code provisioning.imports.max-upload-size}; what was spooled is already deleted. */
public final class UploadTooLargeException extends RuntimeException {

    UploadTooLargeException(long limit) {
        super("the upload exceeds " + limit + " bytes");
    }
}

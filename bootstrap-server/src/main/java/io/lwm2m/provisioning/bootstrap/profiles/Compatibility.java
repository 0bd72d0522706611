package io.lwm2m.provisioning.bootstrap.profiles;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;

/**
 * How a profile's devices deviate from what the server would choose on its own: settings for
 * clients in the field whose behaviour differs from the specification's default (see ADR 019).
 *
 * @param contentFormat            the format of every Bootstrap-Write and Bootstrap-Pack, whatever the
 *                                 client's {@code pct}; null: the client's {@code pct} (TLV without one)
 * @param bootstrapPack            whether a Bootstrap-Pack-Request is answered; null: {@link PackPolicy#ALLOWED}
 * @param bootstrapAccountInstance the Security instance id where this profile's clients keep their
 *                                 bootstrap-server account, trusted only when no Bootstrap-Discover told
 *                                 the server (a client refusing Discover, a pack before any Discover);
 *                                 null: such sessions and packs are refused instead
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Compatibility(WriteFormat contentFormat, PackPolicy bootstrapPack, Integer bootstrapAccountInstance) {

    /** The settings of a profile that names none. */
    public static final Compatibility DEFAULT = new Compatibility(null, null, null);

    /** Whether Bootstrap-Pack-Requests are answered. */
    public enum PackPolicy {
        /** Answered when the server knows where the client keeps its bootstrap account. */
        ALLOWED,
        /** Refused with 4.05: the client falls back to a Bootstrap-Request. */
        FORBIDDEN
    }

    /** A content format the server writes, by its name in the API. */
    public enum WriteFormat {
        TLV(ContentFormat.TLV),
        SENML_JSON(ContentFormat.SENML_JSON),
        SENML_CBOR(ContentFormat.SENML_CBOR),
        LWM2M_CBOR(ContentFormat.LWM2M_CBOR);

        private final int contentFormat;

        WriteFormat(int contentFormat) {
            this.contentFormat = contentFormat;
        }

        /** The CoAP Content-Format number. */
        public int contentFormat() {
            return contentFormat;
        }
    }

    public boolean packAllowed() {
        return bootstrapPack != PackPolicy.FORBIDDEN;
    }

    /** The forced format's Content-Format number, or null when the client's {@code pct} decides. */
    public Integer forcedContentFormat() {
        return contentFormat == null ? null : contentFormat.contentFormat();
    }

    /** These settings with {@code overrides}' non-null ones on top. */
    Compatibility overriddenBy(Compatibility overrides) {
        if (overrides == null) {
            return this;
        }
        return new Compatibility(overrides.contentFormat != null ? overrides.contentFormat : contentFormat,
                overrides.bootstrapPack != null ? overrides.bootstrapPack : bootstrapPack,
                overrides.bootstrapAccountInstance != null ? overrides.bootstrapAccountInstance : bootstrapAccountInstance);
    }
}

package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.Optional;

/** Encodes an object instance for a Bootstrap-Write in one content format. */
public interface InstanceEncoder {

    int contentFormat();

    byte[] encode(ObjectInstance instance);

    /** The encoder for a content format, if the server writes that format. */
    static Optional<InstanceEncoder> forContentFormat(int contentFormat) {
        return switch (contentFormat) {
            case ContentFormat.TLV -> Optional.of(new TlvEncoder());
            case ContentFormat.SENML_JSON -> Optional.of(new SenmlJsonEncoder());
            case ContentFormat.SENML_CBOR -> Optional.of(new SenmlCborEncoder());
            case ContentFormat.LWM2M_CBOR -> Optional.of(new Lwm2mCborEncoder());
            default -> Optional.empty();
        };
    }
}

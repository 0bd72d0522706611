package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.List;
import java.util.Optional;

/**
 * Encodes instances of several objects in one payload, as a LwM2M 1.2 Bootstrap-Pack
 * ({@code GET /bspack}) carries them. TLV cannot: its outermost level is one object's instances.
 */
public interface PackEncoder {

    int contentFormat();

    byte[] encodePack(List<ObjectInstance> instances);

    /** The pack encoder for a content format, if the server writes packs in that format. */
    static Optional<PackEncoder> forContentFormat(int contentFormat) {
        return switch (contentFormat) {
            case ContentFormat.SENML_JSON -> Optional.of(new SenmlJsonEncoder());
            case ContentFormat.SENML_CBOR -> Optional.of(new SenmlCborEncoder());
            case ContentFormat.LWM2M_CBOR -> Optional.of(new Lwm2mCborEncoder());
            default -> Optional.empty();
        };
    }
}

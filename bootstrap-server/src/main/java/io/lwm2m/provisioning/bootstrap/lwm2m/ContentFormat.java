package io.lwm2m.provisioning.bootstrap.lwm2m;

/** CoAP Content-Format numbers used by the bootstrap interface (LwM2M Core, IANA registry). */
public final class ContentFormat {

    public static final int TEXT = 0;
    public static final int LINK_FORMAT = 40;
    public static final int OPAQUE = 42;
    public static final int SENML_JSON = 110;
    public static final int SENML_CBOR = 112;
    public static final int TLV = 11542;
    public static final int LWM2M_CBOR = 11544;

    private ContentFormat() {
    }
}

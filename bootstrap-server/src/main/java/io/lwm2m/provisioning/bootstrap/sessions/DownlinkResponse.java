package io.lwm2m.provisioning.bootstrap.sessions;

/** The client's answer: the CoAP code as {@code "2.04"}, and the payload. */
public record DownlinkResponse(String code, byte[] payload) {

    public boolean isSuccess() {
        return code.startsWith("2.");
    }
}

package io.lwm2m.provisioning.bootstrap.sessions;

/** The client's answer: its CoAP code and payload. */
public record DownlinkResponse(ResponseCode code, byte[] payload) {

    public boolean isSuccess() {
        return code.isSuccess();
    }
}

package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.sessions.ResponseCode;
import org.eclipse.californium.core.coap.CoAP;

/** The session core's response codes as Californium's. */
final class CoapCodes {

    private CoapCodes() {
    }

    static CoAP.ResponseCode of(ResponseCode code) {
        return CoAP.ResponseCode.valueOf(code.codeClass() << 5 | code.detail());
    }
}

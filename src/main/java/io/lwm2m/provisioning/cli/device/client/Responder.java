package io.lwm2m.provisioning.cli.device.client;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;

/** The device side of the bootstrap interface: how a simulated device answers the server. */
public interface Responder {

    /** The answer to a Bootstrap-Discover, -Read, -Write or -Delete; a failure ends the session after it is sent. */
    Answer answer(Request request);

    /** The answer to Bootstrap-Finish: 2.04, or 4.06 with a failure when the configuration is inconsistent. */
    default Answer finish() {
        return new Answer(new Response(ResponseCode.CHANGED), null);
    }

    /** Applies a Bootstrap-Pack (LwM2M 1.2); a reason when it cannot, else null. */
    default String applyPack(byte[] payload, int contentFormat) {
        return "this device does not take Bootstrap-Packs";
    }

    /** A response to send, and, when the session must fail because of it, why. */
    record Answer(Response response, String failure) {
    }
}

package io.lwm2m.provisioning.cli.device.client;

import java.nio.charset.StandardCharsets;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;

/**
 * The load generator's device: the same scripted answers for every session, nothing decoded or kept
 * (Discover 2.05 naming only the bootstrap account, Delete 2.02, Write 2.04), so that generating load
 * costs as little as possible. Shared by all sessions: it holds no state.
 */
public final class ScriptedResponder implements Responder {

    private final byte[] discoverAnswer;

    /** A device whose bootstrap account (/0/0) points at {@code bootstrapUri}. */
    public ScriptedResponder(String bootstrapUri) {
        this.discoverAnswer = ("</>;lwm2m=1.1,</0/0>;uri=\"" + bootstrapUri + "\"").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Answer answer(Request request) {
        return switch (request.getCode()) {
            case GET -> {
                Response response = new Response(ResponseCode.CONTENT);
                response.getOptions().setContentFormat(40);
                response.setPayload(discoverAnswer);
                yield new Answer(response, null);
            }
            case DELETE -> new Answer(new Response(ResponseCode.DELETED), null);
            case PUT -> new Answer(new Response(ResponseCode.CHANGED), null);
            default -> new Answer(new Response(ResponseCode.METHOD_NOT_ALLOWED),
                    "unexpected request from the server: " + request.getCode() + " /" + request.getOptions().getUriPathString());
        };
    }
}

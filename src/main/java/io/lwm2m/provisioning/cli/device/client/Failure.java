package io.lwm2m.provisioning.cli.device.client;

import java.util.Locale;
import org.eclipse.californium.scandium.dtls.DtlsHandshakeTimeoutException;
import org.eclipse.californium.scandium.dtls.HandshakeException;

/**
 * Why a simulated bootstrap failed, as a factory line sorts its failures: the kind a summary
 * counts, each with what it usually means. The detailed reason stays in {@link SessionResult#failure()}.
 */
public enum Failure {
    HANDSHAKE_WRONG_KEY("DTLS handshake: the server never answered the Finished (wrong key, or an identity it does not know)"),
    HANDSHAKE_NO_ANSWER("DTLS handshake: no answer to the ClientHello (server unreachable, or this source blocked)"),
    HANDSHAKE_ALERT("DTLS handshake: refused with an alert"),
    HANDSHAKE_FAILED("DTLS handshake failed"),
    REFUSED("Bootstrap-Request refused: 4.00 Bad Request (unknown or disabled device, endpoint not matching the credential)"),
    UNSUPPORTED_FORMAT("Bootstrap-Request refused: 4.15 Unsupported Content-Format"),
    OTHER_ANSWER("Bootstrap-Request answered with another code"),
    NO_ANSWER("Bootstrap-Request: no answer"),
    PACK_REFUSED("Bootstrap-Pack-Request refused"),
    TIMEOUT("timeout: no Bootstrap-Finish in time"),
    UNUSABLE_CONFIGURATION("the server sent what the client cannot use"),
    UNEXPECTED_REQUEST("unexpected request from the server"),
    CLIENT_ERROR("client error");

    private final String meaning;

    Failure(String meaning) {
        this.meaning = meaning;
    }

    /** What this kind of failure usually means, for a summary. */
    public String meaning() {
        return meaning;
    }

    /**
     * A failed DTLS handshake by what the client saw: no answer to its last flight (flight 5 carries
     * the Finished, which a server drops when the key is wrong), an alert, or something else.
     */
    static Failure ofHandshake(Throwable error) {
        if (error instanceof DtlsHandshakeTimeoutException timeout) {
            return timeout.getFlightNumber() >= 5 ? HANDSHAKE_WRONG_KEY : HANDSHAKE_NO_ANSWER;
        }
        if (error instanceof HandshakeException || error.getCause() instanceof HandshakeException) {
            return HANDSHAKE_ALERT;
        }
        return HANDSHAKE_FAILED;
    }

    /** The alert of a refused handshake, in words ("handshake_failure"), the unanswered flight, or the exception's class. */
    static String describeHandshake(Throwable error) {
        if (error instanceof DtlsHandshakeTimeoutException timeout) {
            return "no answer to flight " + timeout.getFlightNumber() + (timeout.getFlightNumber() >= 5 ? " (ClientKeyExchange, Finished)"
                    : " (ClientHello)");
        }
        HandshakeException handshake = error instanceof HandshakeException h ? h
                : error.getCause() instanceof HandshakeException h ? h : null;
        if (handshake != null && handshake.getAlert() != null) {
            return handshake.getAlert().getDescription().name().toLowerCase(Locale.ROOT);
        }
        return error.getClass().getSimpleName();
    }
}

package io.lwm2m.provisioning.bootstrap.handshakes;

/**
 * Why a DTLS handshake on the bootstrap endpoint failed, as support needs to know it; the metric
 * label is {@link #label()}, never a message's wording.
 */
public enum HandshakeFailureReason {
    /** A live PSK identity whose Finished failed its MAC: the device holds another key. */
    WRONG_KEY("wrong-key", "wrong key: the Finished of a known PSK identity failed its MAC", true),
    /** A PSK identity of an enrollment group (no device yet) whose Finished failed its MAC: not the key the group derives. */
    WRONG_GROUP_KEY("wrong-group-key", "a PSK identity of an enrollment group whose Finished failed its MAC: not the derived key",
            true),
    /** A PSK identity of no live bootstrap credential. */
    UNKNOWN_PSK_IDENTITY("unknown-psk-identity", "PSK identity of no live bootstrap credential", true),
    /** A record of an unfinished handshake failed its MAC, with no identity known. */
    BAD_MAC("bad-mac", "a handshake record failed its MAC", true),
    /** A raw public key of no live bootstrap credential. */
    UNKNOWN_PUBLIC_KEY("unknown-public-key", "raw public key of no live bootstrap credential", true),
    CERTIFICATE_EXPIRED("certificate-expired", "the client's certificate expired", true),
    CERTIFICATE_NOT_YET_VALID("certificate-not-yet-valid", "the client's certificate is not valid yet (check the device clock)", true),
    CERTIFICATE_REVOKED("certificate-revoked", "the client's certificate is revoked", true),
    /** The chain leads to neither this server's CA nor a registered manufacturer CA. */
    CERTIFICATE_UNTRUSTED("certificate-untrusted", "the client's certificate chains to no trusted CA", true),
    /** A valid certificate that is no live bootstrap credential and names no registered device. */
    CERTIFICATE_UNKNOWN("certificate-unknown", "the client's certificate is no live credential of a registered device", true),
    /** Client and server share no cipher suite (or certificate type): a configuration mismatch, not an attack. */
    NO_COMMON_CIPHER_SUITE("no-common-cipher-suite", "no cipher suite (or certificate type) both sides support", false),
    /** The client ended the handshake with an alert, for example because it refused this server's certificate. */
    CLIENT_ALERT("client-alert", "the client aborted with an alert (did it refuse the server's certificate or name?)", false),
    /** The client went silent mid-handshake. */
    TIMEOUT("timeout", "the client stopped answering mid-handshake", false),
    /** This server could not answer (its database, for one): never the client's fault. */
    SERVER_ERROR("server-error", "this server failed to look the credential up", false),
    OTHER("other", "another protocol error", false);

    private final String label;
    private final String description;
    private final boolean clientCaused;

    HandshakeFailureReason(String label, String description, boolean clientCaused) {
        this.label = label;
        this.description = description;
        this.clientCaused = clientCaused;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** What it means, for people. */
    public String description() {
        return description;
    }

    /** Whether the client caused it (an authentication failure): only those count against its source address. */
    public boolean clientCaused() {
        return clientCaused;
    }
}

package io.lwm2m.provisioning.est;

/** The EST operations, by their RFC 9148 (CoAP) and RFC 7030 (HTTPS) names. */
public enum EstOperation {
    /** {@code /crts}, {@code /cacerts}: the CA certificates. */
    CA_CERTS("crts", "cacerts"),
    /** {@code /sen}, {@code /simpleenroll}. */
    SIMPLE_ENROLL("sen", "simpleenroll"),
    /** {@code /sren}, {@code /simplereenroll}: the client authenticates with its current certificate from this CA. */
    SIMPLE_REENROLL("sren", "simplereenroll"),
    /** {@code /skg}, {@code /serverkeygen}: the server generates the key pair. */
    SERVER_KEYGEN("skg", "serverkeygen"),
    /** {@code /skc}: server key generation answered with a single certificate (CoAP only). */
    SERVER_KEYGEN_CERT("skc", null),
    /** {@code /att}, {@code /csrattrs}: what the CSR should contain. */
    CSR_ATTRS("att", "csrattrs");

    private final String coapName;
    private final String httpName;

    EstOperation(String coapName, String httpName) {
        this.coapName = coapName;
        this.httpName = httpName;
    }

    public String coapName() {
        return coapName;
    }

    /** The RFC 7030 path segment; null for CoAP-only operations. */
    public String httpName() {
        return httpName;
    }

    /** Whether the operation issues a certificate. */
    public boolean issues() {
        return this == SIMPLE_ENROLL || this == SIMPLE_REENROLL || this == SERVER_KEYGEN || this == SERVER_KEYGEN_CERT;
    }

    public boolean serverKeyGeneration() {
        return this == SERVER_KEYGEN || this == SERVER_KEYGEN_CERT;
    }
}

package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;

/**
 * A Bootstrap-Request as it arrived: {@code POST /bs?ep=..&pct=..}.
 *
 * @param endpoint      the {@code ep} parameter, or null when absent (allowed since LwM2M 1.1)
 * @param preferredContentFormat the {@code pct} parameter, or null when absent (LwM2M 1.0)
 * @param malformed     a description of what is wrong with the query, or null when it parses
 * @param peerAddress   where it came from
 * @param identity      who the DTLS handshake authenticated, or null on plain CoAP
 */
public record BootstrapRequest(String endpoint, Integer preferredContentFormat, String malformed, String peerAddress,
        ClientIdentity identity) {

    public SecurityMode securityMode() {
        return identity == null ? SecurityMode.NOSEC : identity.mode();
    }
}

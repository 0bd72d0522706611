package io.lwm2m.provisioning.bootstrap.devices;

import java.util.regex.Pattern;

/**
 * The grammar of an endpoint (LwM2M Endpoint Client Name) this server registers: 1 to
 * {@value #MAX_LENGTH} characters of ASCII letters, digits and {@code - . _ ~ : @}, starting with a
 * letter or digit. That holds the names OMA recommends and devices use (URNs such as
 * {@code urn:uuid:…}, {@code urn:imei:…}, {@code urn:imei-imsi:…}, {@code urn:dev:mac:…},
 * {@code urn:dev:ops:…}; bare IMEI/IMSI digits; MAC-based names like {@code 00-1B-63-84-45-E6} or
 * {@code 00:1b:63:84:45:e6}; board names like {@code nrf9160dk_nrf9160}), and keeps every device
 * addressable: the same string works unescaped in an HTTP path segment, a query value, a CoAP
 * Uri-Query, a CSV field and a certificate's CN and SAN URI. Refused on purpose: '/', '\', '%',
 * ';', '?', '#', '&', '=', '+' and spaces (they break or change paths and queries), the segments
 * '.' and '..', anything outside ASCII (look-alike letters, bidirectional controls), control
 * characters. The bound is RFC 5280's for a certificate's common name (ub-common-name, which
 * Bouncy Castle enforces): every endpoint can be the CN of a certificate from our CA and of an EST
 * request, whatever credential mode its device gets. Decision record 030.
 */
public final class EndpointName {

    public static final int MAX_LENGTH = 64;
    public static final String RULE = "must be 1-" + MAX_LENGTH + " ASCII letters, digits and '-', '.', '_', '~', ':', '@', "
            + "starting with a letter or digit (an endpoint must stay usable in URLs, CoAP queries and certificates)";
    private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~:@-]{0," + (MAX_LENGTH - 1) + "}");

    private EndpointName() {
    }

    public static boolean isValid(String endpoint) {
        return endpoint != null && GRAMMAR.matcher(endpoint).matches();
    }
}

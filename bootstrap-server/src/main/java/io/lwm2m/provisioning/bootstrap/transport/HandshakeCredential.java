package io.lwm2m.provisioning.bootstrap.transport;

import java.security.Principal;
import org.eclipse.californium.elements.auth.AdditionalInfo;
import org.eclipse.californium.elements.auth.ExtensiblePrincipal;
import org.eclipse.californium.scandium.auth.ApplicationLevelInfoSupplier;

/**
 * The bootstrap credential a DTLS handshake matched, carried in the session's principal: the PSK
 * store and the certificate verifier hand its id to Scandium as their result's custom argument, and
 * the Bootstrap-Request reads it back, so it need not look the identity up again (its configuration
 * was read by the same statement; see {@code BootstrapConfigStore}).
 */
final class HandshakeCredential {

    /** The key under which the principal's additional info holds the credential id. */
    static final String CREDENTIAL_ID = "bootstrap-credential-id";

    /** Turns a handshake result's credential id into the principal's additional info. */
    static final ApplicationLevelInfoSupplier INFO = (principal, customArgument) ->
            customArgument instanceof Long id ? AdditionalInfo.from(java.util.Map.of(CREDENTIAL_ID, id)) : AdditionalInfo.empty();

    private HandshakeCredential() {
    }

    /** The credential id the handshake of this principal stored, or null. */
    static Long of(Principal principal) {
        return principal instanceof ExtensiblePrincipal<?> extensible ? extensible.getExtendedInfo().get(CREDENTIAL_ID, Long.class)
                : null;
    }
}

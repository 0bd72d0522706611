package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.logging.ThrottledLog;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.eclipse.californium.elements.auth.AdditionalInfo;
import org.eclipse.californium.elements.auth.ExtensiblePrincipal;
import org.eclipse.californium.scandium.auth.ApplicationLevelInfoSupplier;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS handshake's PSK lookup: a live bootstrap credential's key, decrypted for this handshake
 * only. The lookup answers synchronously on the DTLS worker running the handshake (ADR 016): a
 * hand-off to another pool and back through Scandium's result handler cost more than its wait.
 */
final class DatabasePskStore implements AdvancedPskStore {

    private static final Logger log = LoggerFactory.getLogger(DatabasePskStore.class);

    private final BootstrapConfigStore configs;
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    private final FailureGate gate;
    private final ThrottledLog lookupFailures = new ThrottledLog(log, java.time.Duration.ofSeconds(10));

    DatabasePskStore(BootstrapConfigStore configs, FailureGate gate) {
        this.configs = configs;
        this.gate = gate;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return true;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName, PskPublicInformation identity,
            String hmacAlgorithm, SecretKey otherSecret, byte[] seed, boolean useExtendedMasterSecret) {
        String name = identity.getPublicInfoAsString();
        if (!identity.isCompliantEncoding() || PeerText.unusable(name, PeerText.MAX_PSK_IDENTITY) != null) {
            // No credential has such an identity (NUL, bytes that are not UTF-8): it never reaches the database.
            gate.unknownPskIdentity(cid, PeerText.escaped(name));
            return decoy(cid, identity);
        }
        Optional<BootstrapConfigStore.PskKey> key;
        try {
            key = configs.bootstrapPsk(name);
        } catch (RuntimeException e) {
            // This server's failure, not the client's: it fails the handshake but never counts against its source.
            lookupFailures.warn("PSK lookup failed for a handshake; refusing it (not counted against the client)", e);
            gate.lookupFailed(cid, name);
            return decoy(cid, identity);
        }
        if (key.isEmpty()) {
            gate.unknownPskIdentity(cid, name);
            return decoy(cid, identity);
        }
        gate.knownPskIdentity(cid, key.get().deviceId(), key.get().endpoint(), name);
        byte[] bytes = key.get().key();
        SecretKey secret = SecretUtil.create(bytes, "PSK");
        Arrays.fill(bytes, (byte) 0);
        // The credential id rides along into the session's principal (see CREDENTIAL_ID), so the
        // Bootstrap-Request need not look the identity up again.
        return new PskSecretResult(cid, identity, secret, key.get().credentialId());
    }

    /**
     * A random key instead of none: the handshake then fails at once on the client's Finished,
     * exactly as with a wrong key, so probing identities learns nothing and a failed client is not
     * left waiting for a timeout.
     */
    private PskSecretResult decoy(ConnectionId cid, PskPublicInformation identity) {
        byte[] decoy = new byte[16];
        random.nextBytes(decoy);
        return new PskSecretResult(cid, identity, SecretUtil.create(decoy, "PSK"));
    }

    /** The key under which a PSK session's principal carries the id of the credential its handshake used. */
    static final String CREDENTIAL_ID = "bootstrap-credential-id";

    /** Turns the lookup's credential id into the principal's additional info. */
    static final ApplicationLevelInfoSupplier CREDENTIAL_INFO = (principal, customArgument) ->
            customArgument instanceof Long id ? AdditionalInfo.from(java.util.Map.of(CREDENTIAL_ID, id)) : AdditionalInfo.empty();

    /** The credential id a PSK handshake of this endpoint stored in the principal, or null. */
    static Long credentialId(java.security.Principal principal) {
        return principal instanceof ExtensiblePrincipal<?> extensible ? extensible.getExtendedInfo().get(CREDENTIAL_ID, Long.class)
                : null;
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null; // a server never initiates PSK handshakes
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // every result is returned synchronously
    }
}

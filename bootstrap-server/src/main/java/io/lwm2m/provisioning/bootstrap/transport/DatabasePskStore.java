package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.enrollment.GroupDirectory;
import io.lwm2m.provisioning.logging.ThrottledLog;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The DTLS handshake's PSK lookup: a live bootstrap credential's key, decrypted for this handshake
 * only. The lookup answers synchronously on the DTLS worker running the handshake (ADR 016): a
 * hand-off to another pool and back through Scandium's result handler cost more than its wait. An
 * identity of no device that an enrollment group's prefix covers gets the key the group derives for
 * it, from memory (decision 076): the Bootstrap-Request then admits the device.
 */
@Component
final class DatabasePskStore implements AdvancedPskStore {

    private static final Logger log = LoggerFactory.getLogger(DatabasePskStore.class);

    private final BootstrapConfigStore configs;
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    private final FailureGate gate;
    private final GroupDirectory groups;
    private final ThrottledLog lookupFailures = new ThrottledLog(log, java.time.Duration.ofSeconds(10));

    DatabasePskStore(BootstrapConfigStore configs, FailureGate gate, GroupDirectory groups) {
        this.configs = configs;
        this.gate = gate;
        this.groups = groups;
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
            return groupKey(cid, identity, name);
        }
        gate.knownPskIdentity(cid, key.get().deviceId(), key.get().endpoint(), name);
        byte[] bytes = key.get().key();
        SecretKey secret = SecretUtil.create(bytes, "PSK");
        Arrays.fill(bytes, (byte) 0);
        // The credential id rides along into the session's principal (HandshakeCredential), so the
        // Bootstrap-Request need not look the identity up again.
        return new PskSecretResult(cid, identity, secret, key.get().credentialId());
    }

    /** The key an enrollment group derives for this identity, or, when no group covers it, a decoy. */
    private PskSecretResult groupKey(ConnectionId cid, PskPublicInformation identity, String name) {
        Optional<byte[]> derived = groups.derivedKey(name);
        if (derived.isEmpty()) {
            gate.unknownPskIdentity(cid, name);
            return decoy(cid, identity);
        }
        gate.groupPskIdentity(cid, name);
        byte[] bytes = derived.get();
        SecretKey secret = SecretUtil.create(bytes, "PSK");
        Arrays.fill(bytes, (byte) 0);
        return new PskSecretResult(cid, identity, secret);
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

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return null; // a server never initiates PSK handshakes
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        // every result is returned synchronously
    }
}

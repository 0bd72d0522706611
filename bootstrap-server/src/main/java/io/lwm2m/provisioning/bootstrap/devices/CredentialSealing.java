package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialOwner;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Seals a new credential's secret before it is stored, bound to the row it belongs to (endpoint,
 * channel, server, identity), so that a ciphertext moved to another row no longer opens.
 */
@Component
class CredentialSealing {

    private final SecretCipher cipher;
    private final EntityManager em;

    CredentialSealing(SecretCipher cipher, EntityManager em) {
        this.cipher = cipher;
        this.em = em;
    }

    /** The sealed secret of {@code credential} for {@code server} (null: bootstrap), or null if it has none. */
    SealedSecret seal(String endpoint, DmServer server, NewCredential credential) {
        byte[] secret = credential.secret();
        return secret == null ? null : cipher.seal(secret, DeviceCredential.secretContext(endpoint,
                server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                server == null ? null : server.name(), credential.pskIdentity()));
    }

    /** The credential's row, its secret sealed. */
    DeviceCredential row(Device device, DmServer server, NewCredential credential, CredentialStatus status, Instant now) {
        // A reference, not a load: the credential only needs its owner's id for the row it inserts.
        CredentialOwner owner = em.getReference(CredentialOwner.class, device.id());
        return DeviceCredential.of(owner, server, credential, seal(device.endpoint(), server, credential), status, now);
    }

    /** Whether a sealed bootstrap secret of {@code endpoint} holds exactly {@code key}. */
    boolean holds(SealedSecret sealed, String endpoint, String pskIdentity, byte[] key) {
        return java.security.MessageDigest.isEqual(key, cipher.open(sealed,
                DeviceCredential.secretContext(endpoint, CredentialChannel.BOOTSTRAP, null, pskIdentity)));
    }
}

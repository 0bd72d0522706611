package io.lwm2m.provisioning.bootstrap.identity;

import io.lwm2m.provisioning.crypto.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;

/**
 * The bootstrap server's own DTLS key (sealed) and certificate, shared by every replica. An update writes
 * only what changed ({@link DynamicUpdate}): a replica's new certificate and the KEK rotation's new
 * sealing of the key may commit at once, and neither may write the other's column back as it was.
 */
@Entity
@DynamicUpdate
@Table(name = "bootstrap_server_keys")
class BootstrapServerKey {

    static final String KEY_CONTEXT = "bootstrap-server-key";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "key_ciphertext", nullable = false)
    private byte[] keyCiphertext;

    @Column(name = "wrapped_data_key", nullable = false)
    private byte[] wrappedDataKey;

    @Column(name = "kek_version", nullable = false)
    private int kekVersion;

    @Column(name = "public_key", nullable = false)
    private byte[] publicKey;

    @Column(nullable = false)
    private byte[] certificate;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected BootstrapServerKey() {
    }

    BootstrapServerKey(SealedSecret key, byte[] publicKey, byte[] certificate, Instant createdAt) {
        resealed(key);
        this.publicKey = publicKey;
        this.certificate = certificate;
        this.createdAt = createdAt;
    }

    SealedSecret key() {
        return new SealedSecret(keyCiphertext, wrappedDataKey, kekVersion);
    }

    /** A new certificate for the same key (other names). */
    void recertified(byte[] certificate) {
        this.certificate = certificate;
    }

    void resealed(SealedSecret key) {
        this.keyCiphertext = key.ciphertext();
        this.wrappedDataKey = key.wrappedDataKey();
        this.kekVersion = key.kekVersion();
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] certificate() {
        return certificate.clone();
    }

    int kekVersion() {
        return kekVersion;
    }
}

package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.crypto.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;

/**
 * One generation of one credential of a device. The secret part is stored only sealed
 * ({@link io.lwm2m.provisioning.crypto.SecretCipher}); the public parts (PSK identity, public key,
 * certificate) are stored as they are.
 *
 * <p>An update writes only the columns its transaction changed ({@link DynamicUpdate}). Several writers
 * change one credential without locking it: the KEK rotation reseals batches of them, an operator
 * revokes, a session's end marks a delivery in plain SQL. Writing back every column it had loaded, the
 * rotation put {@code ACTIVE} over a revocation that committed between its read and its flush.
 */
@Entity
@DynamicUpdate
@Table(name = "device_credentials")
public class DeviceCredential {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "device_id")
    private CredentialOwner device;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private CredentialChannel channel;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "server_id")
    private DmServer server;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SecurityMode mode;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private CredentialStatus status;

    @Column(name = "psk_identity")
    private String pskIdentity;

    @Column(name = "public_key")
    private byte[] publicKey;

    @Column(name = "certificate")
    private byte[] certificate;

    @Column(name = "certificate_serial")
    private String certificateSerial;

    @Column(name = "delivered_at")
    private Instant deliveredAt;

    @Column(name = "secret_ciphertext")
    private byte[] secretCiphertext;

    @Column(name = "wrapped_data_key")
    private byte[] wrappedDataKey;

    @Column(name = "kek_version")
    private Integer kekVersion;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "retired_at")
    private Instant retiredAt;

    protected DeviceCredential() {
    }

    private DeviceCredential(CredentialOwner device, CredentialChannel channel, DmServer server, NewCredential credential,
            SealedSecret secret, CredentialStatus status, Instant now) {
        this.device = device;
        this.channel = channel;
        this.server = server;
        this.mode = credential.mode();
        this.status = status;
        this.pskIdentity = credential.pskIdentity();
        this.publicKey = credential.publicKey();
        if (credential.certificate() != null) {
            this.certificate = Der.encoded(credential.certificate());
            this.certificateSerial = CertificateAuthorityService.hex(credential.certificate().getSerialNumber());
        }
        if (secret != null) {
            resealed(secret);
        }
        this.createdAt = now;
    }

    /**
     * A credential of {@code device} for the bootstrap channel ({@code server} null) or for the
     * channel to {@code server}; {@code secret} is the sealed {@link NewCredential#secret()}.
     */
    public static DeviceCredential of(CredentialOwner device, DmServer server, NewCredential credential, SealedSecret secret,
            CredentialStatus status, Instant now) {
        return new DeviceCredential(device, server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                server, credential, secret, status, now);
    }

    /**
     * The context bound into the sealed secret: the row's natural key, so that a ciphertext moved
     * to another device's or another server's row no longer opens.
     */
    public static String secretContext(String endpoint, CredentialChannel channel, String serverName, String identity) {
        return "device-credential|" + endpoint + "|" + channel + "|" + (serverName == null ? "" : serverName) + "|"
                + (identity == null ? "" : identity);
    }

    public Long id() {
        return id;
    }

    public CredentialOwner device() {
        return device;
    }

    public CredentialChannel channel() {
        return channel;
    }

    public DmServer server() {
        return server;
    }

    public SecurityMode mode() {
        return mode;
    }

    public CredentialStatus status() {
        return status;
    }

    public String pskIdentity() {
        return pskIdentity;
    }

    /** SubjectPublicKeyInfo DER of the device's key, for RPK and X509. */
    public byte[] publicKey() {
        return publicKey == null ? null : publicKey.clone();
    }

    /** The device's certificate (DER), for X509. */
    public byte[] certificate() {
        return certificate == null ? null : certificate.clone();
    }

    public String certificateSerial() {
        return certificateSerial;
    }

    public Instant retiredAt() {
        return retiredAt;
    }

    /** Retires (superseded by a newer credential) or revokes this credential: it never authenticates again. */
    public void end(CredentialStatus status, Instant at) {
        if (status.authenticates()) {
            throw new IllegalArgumentException("a credential ends as RETIRED or REVOKED, not " + status);
        }
        this.status = status;
        this.retiredAt = at;
    }

    /** A mode-4 (EST) credential received its first certificate by enrollment. */
    public void enrolled(java.security.cert.X509Certificate issued) {
        if (mode != SecurityMode.EST || certificate != null) {
            throw new IllegalStateException("credential " + id + " is not an EST credential waiting for its certificate");
        }
        this.certificate = Der.encoded(issued);
        this.certificateSerial = CertificateAuthorityService.hex(issued.getSerialNumber());
        this.publicKey = issued.getPublicKey().getEncoded();
    }

    /** A bootstrap session wrote this (pending) credential into the device. */
    public void delivered(Instant at) {
        if (deliveredAt == null) {
            deliveredAt = at;
        }
    }

    public Instant deliveredAt() {
        return deliveredAt;
    }

    /** A pending credential proven in use becomes the active one. */
    public void activate() {
        this.status = CredentialStatus.ACTIVE;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Replaces the sealed secret by the same secret sealed anew (KEK rotation). */
    public void resealed(SealedSecret secret) {
        this.secretCiphertext = secret.ciphertext();
        this.wrappedDataKey = secret.wrappedDataKey();
        this.kekVersion = secret.kekVersion();
    }

    /** The associated data the secret of this row is sealed with. */
    public String secretContext() {
        return secretContext(device.endpoint(), channel, server == null ? null : server.name(), pskIdentity);
    }

    public SealedSecret sealedSecret() {
        return secretCiphertext == null ? null : new SealedSecret(secretCiphertext, wrappedDataKey, kekVersion);
    }
}

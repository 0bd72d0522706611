package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.crypto.SealedSecret;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The stored CA: its chain, and its keys sealed under the KEK (the issuing key absent when in an HSM). */
@Entity
@Table(name = "ca_authorities")
class CaAuthority {

    enum Source { GENERATED, IMPORTED, PKCS11 }

    static final String ISSUING_KEY_CONTEXT = "ca-authority|issuing-key";
    static final String ROOT_KEY_CONTEXT = "ca-authority|root-key";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    private Source source;

    @Column(name = "key_algorithm", nullable = false)
    private String keyAlgorithm;

    @Column(name = "chain_pem", nullable = false)
    private String chainPem;

    @Column(name = "key_ciphertext")
    private byte[] keyCiphertext;

    @Column(name = "wrapped_data_key")
    private byte[] wrappedDataKey;

    @Column(name = "kek_version")
    private Integer kekVersion;

    @Column(name = "root_key_ciphertext")
    private byte[] rootKeyCiphertext;

    @Column(name = "root_wrapped_data_key")
    private byte[] rootWrappedDataKey;

    @Column(name = "root_kek_version")
    private Integer rootKekVersion;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected CaAuthority() {
    }

    CaAuthority(String name, Source source, String keyAlgorithm, String chainPem, SealedSecret issuingKey,
            SealedSecret rootKey, Instant createdAt) {
        this.name = name;
        this.source = source;
        this.keyAlgorithm = keyAlgorithm;
        this.chainPem = chainPem;
        issuingKey(issuingKey);
        rootKey(rootKey);
        this.createdAt = createdAt;
    }

    Long id() {
        return id;
    }

    Source source() {
        return source;
    }

    String chainPem() {
        return chainPem;
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    SealedSecret issuingKey() {
        return keyCiphertext == null ? null : new SealedSecret(keyCiphertext, wrappedDataKey, kekVersion);
    }

    SealedSecret rootKey() {
        return rootKeyCiphertext == null ? null : new SealedSecret(rootKeyCiphertext, rootWrappedDataKey, rootKekVersion);
    }

    void issuingKey(SealedSecret key) {
        this.keyCiphertext = key == null ? null : key.ciphertext();
        this.wrappedDataKey = key == null ? null : key.wrappedDataKey();
        this.kekVersion = key == null ? null : key.kekVersion();
    }

    void rootKey(SealedSecret key) {
        this.rootKeyCiphertext = key == null ? null : key.ciphertext();
        this.rootWrappedDataKey = key == null ? null : key.wrappedDataKey();
        this.rootKekVersion = key == null ? null : key.kekVersion();
    }
}

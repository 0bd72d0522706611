package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook signing secret as a row keeps it, sealed: the current one, and after a rotation the
 * previous one with the time until which it still signs ({@link SigningSecret}: both signatures go
 * out meanwhile, so receivers can switch at their own pace). Embedded by subscriptions and by
 * enrollment groups (their allocation webhook); the columns are theirs.
 */
@Embeddable
public class SigningKeys {

    @Column(name = "secret_ciphertext")
    private byte[] ciphertext;

    @Column(name = "secret_wrapped_key")
    private byte[] wrappedKey;

    @Column(name = "secret_kek_version")
    private Integer kekVersion;

    @Column(name = "previous_ciphertext")
    private byte[] previousCiphertext;

    @Column(name = "previous_wrapped_key")
    private byte[] previousWrappedKey;

    @Column(name = "previous_kek_version")
    private Integer previousKekVersion;

    @Column(name = "previous_valid_until")
    private Instant previousValidUntil;

    protected SigningKeys() {
    }

    public SigningKeys(SealedSecret current) {
        set(current);
    }

    private void set(SealedSecret current) {
        this.ciphertext = current.ciphertext();
        this.wrappedKey = current.wrappedDataKey();
        this.kekVersion = current.kekVersion();
    }

    /** {@code fresh} signs from now on; the current one keeps signing too until {@code previousValidUntil}. */
    public void rotate(SealedSecret fresh, Instant previousValidUntil) {
        SealedSecret current = current();
        this.previousCiphertext = current.ciphertext();
        this.previousWrappedKey = current.wrappedDataKey();
        this.previousKekVersion = current.kekVersion();
        this.previousValidUntil = previousValidUntil;
        set(fresh);
    }

    public SealedSecret current() {
        return ciphertext == null ? null : new SealedSecret(ciphertext, wrappedKey, kekVersion);
    }

    /** The previous secret while it still signs, else null. */
    public SealedSecret previous(Instant now) {
        return previousCiphertext == null || previousValidUntil == null || !previousValidUntil.isAfter(now) ? null
                : new SealedSecret(previousCiphertext, previousWrappedKey, previousKekVersion);
    }

    public Instant previousValidUntil() {
        return previousValidUntil;
    }

    /** The keys that sign at {@code now}, the current first, opened under {@code context}. */
    public List<byte[]> open(SecretCipher cipher, String context, Instant now) {
        List<byte[]> keys = new ArrayList<>();
        if (current() != null) {
            keys.add(cipher.open(current(), context));
        }
        SealedSecret previous = previous(now);
        if (previous != null) {
            keys.add(cipher.open(previous, context));
        }
        return keys;
    }

    /** Whether a secret is sealed under a KEK other than {@code version}. */
    public boolean sealedUnderOther(int version) {
        return (kekVersion != null && kekVersion != version) || (previousKekVersion != null && previousKekVersion != version);
    }

    /** Re-wraps both secrets under the current KEK. */
    public void rewrap(SecretCipher cipher, String context) {
        if (current() != null) {
            set(cipher.rewrap(current(), context));
        }
        if (previousCiphertext != null) {
            SealedSecret previous = cipher.rewrap(new SealedSecret(previousCiphertext, previousWrappedKey, previousKekVersion), context);
            previousCiphertext = previous.ciphertext();
            previousWrappedKey = previous.wrappedDataKey();
            previousKekVersion = previous.kekVersion();
        }
    }
}

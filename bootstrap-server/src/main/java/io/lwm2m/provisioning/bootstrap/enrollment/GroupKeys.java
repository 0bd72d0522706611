package io.lwm2m.provisioning.bootstrap.enrollment;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The symmetric-key group derivation (decision 076), as Azure DPS derives a device's key from an
 * enrollment group's: a device's PSK is {@code HMAC-SHA256(group key, PSK identity)} over the
 * identity's UTF-8 bytes, the identity being the group's prefix followed by the endpoint; the whole 32
 * bytes of the MAC, or its first 16 for groups of clients whose DTLS takes no longer PSK (tinydtls:
 * Wakaama, Contiki-NG, RIOT). A factory line holding the group key computes it itself
 * ({@code printf %s "$IDENTITY" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$GROUP_KEY}), or asks
 * {@code POST /api/v1/enrollment-groups/{name}/derive}. Test vector (README, {@code GroupKeysTest}):
 * group key 000102…1f (the 32 bytes 0 to 31), identity {@code acme-urn:dev:ops:000001}.
 */
public final class GroupKeys {

    private GroupKeys() {
    }

    /** The full-length derived key (32 bytes). */
    public static final int FULL = 32;
    /** The shortest derived key: 128 bits, what tinydtls takes at most. */
    public static final int SHORT = 16;

    /** The PSK of the device whose PSK identity is {@code identity}: the first {@code length} bytes of the MAC. */
    public static byte[] derive(byte[] groupKey, String identity, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(groupKey, "HmacSHA256"));
            byte[] full = mac.doFinal(identity.getBytes(StandardCharsets.UTF_8));
            if (length == full.length) {
                return full;
            }
            byte[] truncated = java.util.Arrays.copyOf(full, length);
            java.util.Arrays.fill(full, (byte) 0);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}

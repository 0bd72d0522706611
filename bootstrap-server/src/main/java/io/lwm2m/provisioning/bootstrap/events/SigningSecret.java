package io.lwm2m.provisioning.bootstrap.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signatures of outgoing webhooks, as the Standard Webhooks specification (standardwebhooks.com)
 * defines them, so receivers can use its libraries: the secret is {@code whsec_} + base64 of random
 * bytes; each request carries {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and
 * {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>},
 * one per valid secret, space-separated, so a receiver still holding the previous secret after a
 * rotation keeps verifying.
 */
public final class SigningSecret {

    /** The prefix Standard Webhooks gives a secret. */
    public static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 32;

    private SigningSecret() {
    }

    /** A new secret's key bytes. */
    public static byte[] generateKey(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** The key as the secret a receiver configures: {@code whsec_<base64>}. */
    public static String text(byte[] key) {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header of {@code body} sent as message {@code id} at {@code timestamp}, under every key. */
    public static String header(String id, long timestamp, byte[] body, List<byte[]> keys) {
        return keys.stream().map(key -> "v1," + sign(key, id, timestamp, body)).collect(Collectors.joining(" "));
    }

    /** base64(HMAC-SHA256(key, id.timestamp.body)). */
    public static String sign(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}

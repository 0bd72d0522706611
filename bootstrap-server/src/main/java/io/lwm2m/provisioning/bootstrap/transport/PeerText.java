package io.lwm2m.provisioning.bootstrap.transport;

/**
 * Text a peer chose (an {@code ep} query parameter, a PSK identity), checked where it enters: what
 * no device can be named or identified by is refused here, before it reaches the database, and is
 * recorded only in an escaped, bounded form.
 */
final class PeerText {

    /** Longest endpoint name a device may have. */
    static final int MAX_ENDPOINT = 255;
    /** Longest PSK identity a credential may have (device_credentials.psk_identity). */
    static final int MAX_PSK_IDENTITY = 128;

    private PeerText() {
    }

    /**
     * Why {@code value} cannot be a name, or null: empty, longer than {@code max} characters, or
     * holding a control, format (bidi overrides) or private-use character, or bytes that were not
     * UTF-8 (decoded as U+FFFD).
     */
    static String unusable(String value, int max) {
        if (value.isEmpty()) {
            return "is empty";
        }
        if (value.length() > max) {
            return "is longer than " + max + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\uFFFD') {
                return "holds bytes that are not UTF-8";
            }
            if (forbidden(c)) {
                return String.format("holds the character U+%04X", (int) c);
            }
        }
        return null;
    }

    /** {@code value} with every forbidden character written as {@code \\uXXXX}, at most 64 characters of it. */
    static String escaped(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 64; i++) {
            char c = value.charAt(i);
            if (forbidden(c) || c == '\uFFFD' || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean forbidden(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.PRIVATE_USE;
    }
}

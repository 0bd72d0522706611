package io.lwm2m.provisioning.api;

import io.lwm2m.provisioning.errors.InvalidInputException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RFC 5280 reasons a revocation may give, by name, as the API and the console accept them: every
 * one for a certificate; for a device's credentials those that can describe a device (not a CA's
 * compromise, not a hold).
 */
public final class RevocationReasons {

    public static final Map<String, Integer> CERTIFICATE = new TreeMap<>(Map.of("unspecified", 0, "keyCompromise", 1,
            "cACompromise", 2, "affiliationChanged", 3, "superseded", 4, "cessationOfOperation", 5, "certificateHold", 6,
            "privilegeWithdrawn", 9));
    public static final Map<String, Integer> CREDENTIAL = new TreeMap<>(Map.of("unspecified", 0, "keyCompromise", 1,
            "affiliationChanged", 3, "superseded", 4, "cessationOfOperation", 5, "privilegeWithdrawn", 9));

    private RevocationReasons() {
    }

    /** The code of {@code name} (null: unspecified) among {@code allowed}; 400 naming the field otherwise. */
    public static int code(String name, Map<String, Integer> allowed) {
        Integer code = allowed.get(name == null ? "unspecified" : name);
        if (code == null) {
            throw new InvalidInputException("reason", "must be one of " + allowed.keySet());
        }
        return code;
    }
}
